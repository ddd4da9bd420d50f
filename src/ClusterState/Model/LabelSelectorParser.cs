namespace ClusterState.Model;

/// <summary>
/// Parses the label selector string syntax: comma-separated requirements, each one of
/// <c>key=value</c>, <c>key==value</c>, <c>key!=value</c>, <c>key in (v1,v2)</c>, <c>key notin (v1,v2)</c>,
/// <c>key</c> (exists) and <c>!key</c> (does not exist). Whitespace around tokens is ignored.
/// </summary>
internal ref struct LabelSelectorParser
{
    private readonly string _text;
    private int _pos;

    private LabelSelectorParser(string text)
    {
        _text = text;
        _pos = 0;
    }

    public static LabelSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new LabelSelectorParser(text);
        return parser.ParseAll();
    }

    private LabelSelector ParseAll()
    {
        var matchLabels = new List<KeyValuePair<string, string>>();
        var expressions = new List<LabelSelectorRequirement>();
        SkipSpaces();
        if (AtEnd)
        {
            return LabelSelector.Everything;
        }

        while (true)
        {
            ParseRequirement(matchLabels, expressions);
            SkipSpaces();
            if (AtEnd)
            {
                break;
            }

            Expect(',');
        }

        return new LabelSelector { MatchLabels = StringMap.Create([.. matchLabels]), MatchExpressions = [.. expressions] };
    }

    private void ParseRequirement(List<KeyValuePair<string, string>> matchLabels, List<LabelSelectorRequirement> expressions)
    {
        SkipSpaces();
        if (Peek == '!')
        {
            _pos++;
            var negated = ReadToken("a label key after '!'");
            expressions.Add(new() { Key = negated, Operator = LabelSelectorOperator.DoesNotExist });
            return;
        }

        var key = ReadToken("a label key");
        SkipSpaces();
        if (AtEnd || Peek == ',')
        {
            expressions.Add(new() { Key = key, Operator = LabelSelectorOperator.Exists });
            return;
        }

        if (Peek == '=')
        {
            _pos++;
            if (Peek == '=')
            {
                _pos++;
            }

            matchLabels.Add(new(key, ReadValue()));
            return;
        }

        if (Peek == '!' && _pos + 1 < _text.Length && _text[_pos + 1] == '=')
        {
            _pos += 2;
            expressions.Add(new() { Key = key, Operator = LabelSelectorOperator.NotIn, Values = [ReadValue()] });
            return;
        }

        var word = ReadToken("an operator (=, ==, !=, in, notin)");
        var op = word switch
        {
            "in" => LabelSelectorOperator.In,
            "notin" => LabelSelectorOperator.NotIn,
            _ => throw Error($"unknown operator '{word}' after key '{key}'"),
        };
        SkipSpaces();
        Expect('(');
        var values = new List<string>();
        SkipSpaces();
        if (Peek != ')')
        {
            while (true)
            {
                values.Add(ReadToken("a value"));
                SkipSpaces();
                if (Peek == ')')
                {
                    break;
                }

                Expect(',');
            }
        }

        Expect(')');
        if (values.Count == 0)
        {
            throw Error($"'{word}' needs at least one value for key '{key}'");
        }

        expressions.Add(new() { Key = key, Operator = op, Values = [.. values] });
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Peek => AtEnd ? '\0' : _text[_pos];

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private void Expect(char c)
    {
        SkipSpaces();
        if (Peek != c)
        {
            throw Error(AtEnd ? $"expected '{c}' but the text ended" : $"expected '{c}' but found '{Peek}'");
        }

        _pos++;
    }

    private string ReadValue()
    {
        SkipSpaces();
        var start = _pos;
        while (!AtEnd && IsTokenChar(_text[_pos]))
        {
            _pos++;
        }

        // An empty value (key=) is allowed: it selects objects whose label is present and empty.
        return _text[start.._pos];
    }

    private string ReadToken(string what)
    {
        SkipSpaces();
        var start = _pos;
        while (!AtEnd && IsTokenChar(_text[_pos]))
        {
            _pos++;
        }

        if (start == _pos)
        {
            throw Error(AtEnd ? $"expected {what} but the text ended" : $"expected {what} but found '{Peek}'");
        }

        return _text[start.._pos];
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';

    private readonly FormatException Error(string message) =>
        new($"Invalid label selector \"{_text}\" at position {_pos}: {message}.");
}
