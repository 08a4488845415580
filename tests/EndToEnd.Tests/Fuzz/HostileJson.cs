using System.Globalization;
using System.Text;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>
/// A JSON-like tree that can also hold what JSON (or System.Text.Json's writer) will not produce: raw tokens
/// (<c>1e309</c>, <c>NaN</c>, a lone-surrogate escape, invalid UTF-8 bytes), duplicated keys, any nesting.
/// The fuzzer builds valid-shaped documents in it, mutates them, then writes exact bytes.
/// </summary>
public abstract class J
{
    public static J Str(string value) => new JStr(value);
    public static J Raw(string text) => new JRaw(Encoding.UTF8.GetBytes(text));
    public static J Raw(byte[] bytes) => new JRaw(bytes);
    public static J Null => Raw("null");
    public static J Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));
    public static J Number(double value) => Raw(value.ToString("R", CultureInfo.InvariantCulture));
}

public sealed class JObj : J
{
    public List<KeyValuePair<string, J>> Members { get; } = [];

    public JObj Add(string key, J value)
    {
        Members.Add(new(key, value));
        return this;
    }

    public void Set(string key, J value)
    {
        var at = Members.FindIndex(m => m.Key == key);
        if (at >= 0) Members[at] = new(key, value);
        else Members.Add(new(key, value));
    }
}

public sealed class JArr : J
{
    public List<J> Items { get; } = [];

    public JArr Add(J value)
    {
        Items.Add(value);
        return this;
    }
}

public sealed class JStr(string value) : J
{
    public string Value { get; } = value;
}

public sealed class JRaw(byte[] bytes) : J
{
    public byte[] Bytes { get; } = bytes;
}

public static class JWriter
{
    public static byte[] ToBytes(J node)
    {
        using var stream = new MemoryStream();
        Write(stream, node);
        return stream.ToArray();
    }

    public static void Write(Stream s, J node)
    {
        switch (node)
        {
            case JObj o:
                s.WriteByte((byte)'{');
                for (var i = 0; i < o.Members.Count; i++)
                {
                    if (i > 0) s.WriteByte((byte)',');
                    WriteString(s, o.Members[i].Key);
                    s.WriteByte((byte)':');
                    Write(s, o.Members[i].Value);
                }
                s.WriteByte((byte)'}');
                break;
            case JArr a:
                s.WriteByte((byte)'[');
                for (var i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0) s.WriteByte((byte)',');
                    Write(s, a.Items[i]);
                }
                s.WriteByte((byte)']');
                break;
            case JStr str:
                WriteString(s, str.Value);
                break;
            case JRaw raw:
                s.Write(raw.Bytes);
                break;
        }
    }

    /// <summary>A JSON string literal; every surrogate is written as a \u escape, so lone ones survive as escapes.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    if (c < 0x20 || char.IsSurrogate(c) || c == '\u007f') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static void WriteString(Stream s, string value) => s.Write(Encoding.UTF8.GetBytes(Quote(value)));

    /// <summary>Plain text of a value for forms and query strings: a string as is, anything else as its JSON text.</summary>
    public static string Text(J node) => node switch
    {
        JStr s => s.Value,
        JRaw r => Encoding.UTF8.GetString(r.Bytes),
        _ => Encoding.UTF8.GetString(ToBytes(node)),
    };
}
