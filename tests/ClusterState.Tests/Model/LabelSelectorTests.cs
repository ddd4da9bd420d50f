using ClusterState.Model;

namespace ClusterState.Tests.Model;

/// <summary>Label selectors: the typed form and the string syntax.</summary>
public sealed class LabelSelectorTests
{
    private static readonly StringMap Labels = StringMap.Of(("app", "web"), ("tier", "front"), ("env", "prod"));

    [TestCase("", true)]
    [TestCase("app=web", true)]
    [TestCase("app==web", true)]
    [TestCase("app=api", false)]
    [TestCase("app!=api", true)]
    [TestCase("missing!=x", true)]
    [TestCase("app=web,tier!=db", true)]
    [TestCase("env in (prod,staging)", true)]
    [TestCase("env in (dev)", false)]
    [TestCase("env notin (dev, test)", true)]
    [TestCase("env notin (prod)", false)]
    [TestCase("tier", true)]
    [TestCase("!tier", false)]
    [TestCase("!legacy", true)]
    [TestCase(" app = web , env in ( prod ) ", true)]
    [TestCase("example.com/role", false)]
    public void String_syntax_selects_as_kubernetes_does(string selector, bool matches) =>
        Assert.That(LabelSelector.Parse(selector).Matches(Labels), Is.EqualTo(matches));

    [TestCase("app=web,")]
    [TestCase("env in ()")]
    [TestCase("env in (a")]
    [TestCase("env between (a)")]
    [TestCase("=web")]
    [TestCase("!")]
    public void Bad_syntax_is_a_format_error_that_says_where(string selector)
    {
        var error = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.That(error!.Message, Does.Contain("position"));
        Assert.That(LabelSelector.TryParse(selector, out _), Is.False);
    }

    [Test]
    public void Parsed_and_typed_selectors_are_the_same_value_and_round_trip()
    {
        var parsed = LabelSelector.Parse("app=web,env in (a,b),!legacy");
        var typed = new LabelSelector
        {
            MatchLabels = StringMap.Of(("app", "web")),
            MatchExpressions =
            [
                new LabelSelectorRequirement { Key = "env", Operator = LabelSelectorOperator.In, Values = ["a", "b"] },
                new LabelSelectorRequirement { Key = "legacy", Operator = LabelSelectorOperator.DoesNotExist },
            ],
        };
        Assert.That(parsed, Is.EqualTo(typed));
        Assert.That(LabelSelector.Parse(parsed.ToString()), Is.EqualTo(parsed));
    }
}
