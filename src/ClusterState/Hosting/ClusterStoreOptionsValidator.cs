using Microsoft.Extensions.Options;

namespace ClusterState.Hosting;

/// <summary>Reports bad <see cref="ClusterStoreOptions"/> as an <see cref="OptionsValidationException"/> naming the setting.</summary>
internal sealed class ClusterStoreOptionsValidator : IValidateOptions<ClusterStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterStoreOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
