using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterState.Model;

/// <summary>
/// Makes the <see cref="ValueArrayJsonConverter{T}"/> of each <see cref="ValueArray{T}"/>: System.Text.Json (with
/// reflection or a source-generated context) then reads and writes every such list as a JSON array.
/// </summary>
public sealed class ValueArrayJsonConverterFactory : JsonConverterFactory
{
    /// <inheritdoc />
    public override bool CanConvert(Type typeToConvert)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        return typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ValueArray<>);
    }

    /// <inheritdoc />
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The converter has no static state and no value-type-specific code paths that native AOT could lack: it only calls the options' type information.")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "ValueArrayJsonConverter<T> has a public parameterless constructor kept by the DynamicDependency below.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(ValueArrayJsonConverter<>))]
    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        var item = typeToConvert.GetGenericArguments()[0];
        return (JsonConverter?)Activator.CreateInstance(typeof(ValueArrayJsonConverter<>).MakeGenericType(item));
    }
}
