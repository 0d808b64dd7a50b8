using System.Text;
using AnnotateHub.Core.Labels;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// How span attribute values go into brat standoff: which are brat attributes (A lines) and which are
/// <c>name=value</c> pairs of an AnnotatorNotes line, and the escaping of those pairs. See docs/formats.md.
/// </summary>
public sealed class BratAttributes
{
    // Attribute name → (kind, the choices of every label's definition), for the names brat can hold as A lines.
    private readonly Dictionary<string, (AttributeKind Kind, List<string> Choices)> _attributes = new(StringComparer.Ordinal);
    // Label → the names of its definitions that are A lines.
    private readonly Dictionary<string, HashSet<string>> _ofLabel = new(StringComparer.Ordinal);

    /// <summary>
    /// Decides from the labels' definitions (null: none known, every value a note pair): a choice or yes/no is an A line when
    /// its name and choices are brat names (letters, digits, '-', '_') and no label defines the name with another kind.
    /// </summary>
    public BratAttributes(IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>>? definitions)
    {
        if (definitions is null) return;
        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in definitions.SelectMany(l => l.Value))
        {
            var name = d.Name.Trim();
            var fits = IsBratName(name) && d.Kind is AttributeKind.Choice or AttributeKind.YesNo
                && (d.Kind != AttributeKind.Choice || (d.Choices ?? []).All(c => IsBratName(c.Trim())));
            if (!fits || _attributes.TryGetValue(name, out var known) && known.Kind != d.Kind) { refused.Add(name); continue; }
            if (!_attributes.TryGetValue(name, out known)) _attributes[name] = known = (d.Kind, []);
            foreach (var c in d.Choices ?? []) if (!known.Choices.Contains(c.Trim(), StringComparer.Ordinal)) known.Choices.Add(c.Trim());
        }
        foreach (var name in refused) _attributes.Remove(name);
        foreach (var (label, defs) in definitions)
            _ofLabel[label] = defs.Select(d => d.Name.Trim()).Where(_attributes.ContainsKey).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Choice or YesNo when a value of <paramref name="name"/> on a span of <paramref name="label"/> is an A line; else null (a note pair).</summary>
    public AttributeKind? KindOf(string label, string name) =>
        _ofLabel.TryGetValue(label, out var names) && names.Contains(name) ? _attributes[name].Kind : null;

    /// <summary>annotation.conf's [attributes] lines for the labels written (label → brat type): "status\tArg:casualty_figure, Value:killed|injured".</summary>
    public string Conf(IReadOnlyDictionary<string, string> typeOfLabel)
    {
        var conf = new StringBuilder();
        foreach (var (name, (kind, choices)) in _attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var types = _ofLabel.Where(l => l.Value.Contains(name) && typeOfLabel.ContainsKey(l.Key)).Select(l => typeOfLabel[l.Key]).Order(StringComparer.Ordinal).ToList();
            if (types.Count == 0) continue;
            conf.Append(name).Append("\tArg:").AppendJoin('|', types);
            if (kind == AttributeKind.Choice) conf.Append(", Value:").AppendJoin('|', choices);
            conf.Append('\n');
        }
        return conf.ToString();
    }

    /// <summary>Whether brat takes <paramref name="name"/> as an attribute name or value: letters, digits, '-' and '_' only.</summary>
    public static bool IsBratName(string name) => name.Length > 0 && BratNames.TypeOf(name) == name;

    /// <summary>"count=10; who=US soldiers": the pairs, names and values escaped (backslash before \ ; | = :, \t \n \r for tab and line breaks).</summary>
    public static string Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join("; ", pairs.Select(p => Escape(p.Key) + "=" + Escape(p.Value)));

    /// <summary>Reads <see cref="Pairs"/> back; false when <paramref name="text"/> is not such pairs (a note written by hand).</summary>
    public static bool TryParsePairs(string text, out List<KeyValuePair<string, string>> pairs)
    {
        pairs = [];
        var name = new StringBuilder();
        var value = new StringBuilder();
        var inValue = false;
        bool Finish(List<KeyValuePair<string, string>> into)
        {
            if (!inValue || name.ToString().Trim().Length == 0) return false;
            into.Add(new(name.ToString().TrimStart(), value.ToString()));
            name.Clear();
            value.Clear();
            inValue = false;
            return true;
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var current = inValue ? value : name;
            if (c == '\\' && i + 1 < text.Length)
            {
                var next = text[++i];
                current.Append(next switch { 't' => '\t', 'n' => '\n', 'r' => '\r', _ => next });
            }
            else if (c == ';') { if (!Finish(pairs)) return false; }
            else if (c == '=' && !inValue) inValue = true;
            else if (c is '|' or ':' && !inValue) return false; // unescaped: not written by Pairs
            else current.Append(c);
        }
        return Finish(pairs);
    }

    private static string Escape(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\' or ';' or '|' or '=' or ':': b.Append('\\').Append(c); break;
                case '\t': b.Append("\\t"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                default: b.Append(c); break;
            }
        }
        return b.ToString();
    }
}
