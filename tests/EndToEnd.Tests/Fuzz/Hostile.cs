using System.Text;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>Hostile values: text, JSON tokens, raw URL pieces. Each entry is (label, value); the label goes into reports.</summary>
public static class Hostile
{
    /// <summary>Longest hostile text sent in URLs: stays under Kestrel's 8 KB request line so the application answers.</summary>
    public const int LongInUrl = 4096;

    /// <summary>Decoded text: put into JSON strings, form fields, and (percent-encoded) into paths, queries and headers.</summary>
    public static readonly (string Label, string Value)[] Strings =
    [
        ("empty", ""),
        ("space", " "),
        ("whitespace", " \t \u00a0 \u3000 "),
        ("long-4k", new string('A', LongInUrl)),
        ("sql-drop", "'; DROP TABLE dossiers; --"),
        ("sql-dq-drop", "\"; DROP TABLE dossiers; --"),
        ("sql-or", "' OR '1'='1' --"),
        ("sql-union", "x' UNION SELECT code, applicant_name FROM dossiers --"),
        ("sql-concat", "'||(SELECT version())||'"),
        ("sql-comment", "admin'/*"),
        ("script", "<script>alert(1)</script>"),
        ("img-onerror", "\"><img src=x onerror=alert(1)>"),
        ("template-curly", "{{7*7}}"),
        ("template-dollar", "${7*7}"),
        ("template-erb", "<%= 7*7 %>"),
        ("jndi", "${jndi:ldap://127.0.0.1:1389/a}"),
        ("nul", "\0"),
        ("nul-inside", "a\0b"),
        ("lone-high-surrogate", "\ud800"),
        ("lone-low-surrogate", "\udfff"),
        ("surrogate-then-text", "x\udbffy"),
        ("emoji", "\ud83d\ude00"),
        ("rtl-override", "\u202egnp.exe"),
        ("bom", "\ufeff"),
        ("noncharacter", "\uffff\ufffe"),
        ("nel", "\u0085"),
        ("line-separator", "\u2028\u2029"),
        ("crlf", "\r\n"),
        ("crlf-header-injection", "x\r\nSet-Cookie: a=b"),
        ("tab", "\t"),
        ("ansi-escape", "\u001b[31mred"),
        ("decomposed-vietnamese", "Nguye\u0302\u0303n"),
        ("zalgo", "Z\u0337\u0322\u031ba\u0335l\u0336g\u0338o\u0337"),
        ("path-traversal", "../../etc/passwd"),
        ("path-traversal-win", "..\\..\\..\\windows\\win.ini"),
        ("encoded-traversal", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
        ("percent-nul", "%00"),
        ("percent-bad", "%ZZ%"),
        ("null-word", "null"),
        ("undefined", "undefined"),
        ("nan", "NaN"),
        ("infinity", "Infinity"),
        ("true-word", "true"),
        ("minus-one", "-1"),
        ("zero", "0"),
        ("huge-int-text", "9999999999999999999999"),
        ("overflow-double-text", "1e309"),
        ("below-long-text", "-9223372036854775809"),
        ("json-array-text", "[]"),
        ("json-object-text", "{\"$gt\":\"\"}"),
        ("object-object", "[object Object]"),
        ("dos-device", "CON"),
        ("wildcards", "*?%_"),
        ("shell", "$(id);`id`|id"),
        ("ssrf", "http://169.254.169.254/latest/meta-data/"),
        ("file-uri", "file:///etc/passwd"),
        ("javascript-uri", "javascript:alert(1)"),
        ("xxe", "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>"),
        ("ldap", "*)(uid=*))(|(uid=*"),
        ("format-string", "%s%s%s%n%x"),
        ("valid-unit", "26740.H29"),
        ("control-unit", "000.00.00.H29"),
        ("dossier-code-like", "26740.H29-250131-0001"),
        ("devanagari-digits", "\u0967\u0968\u0969"),
        ("fullwidth-digits", "\uff12\uff10\uff12\uff15"),
        ("arabic-indic-digits", "\u0663\u0664"),
        ("dotted-i", "\u0130stanbul"),
        ("sharp-s", "stra\u00dfe"),
    ];

    /// <summary>Text too long for a URL: bodies only.</summary>
    public static string Long100K => new('B', 100 * 1024);

    /// <summary>Twice the 1 MB request body limit.</summary>
    public static string Long2M => new('C', 2 * 1024 * 1024);

    /// <summary>Raw JSON number tokens that are valid JSON but out of every range the services use.</summary>
    public static readonly (string Label, string Token)[] Numbers =
    [
        ("1e309", "1e309"),
        ("-1e309", "-1e309"),
        ("22-digits", "9999999999999999999999"),
        ("long-min-minus-1", "-9223372036854775809"),
        ("long-max-plus-1", "9223372036854775808"),
        ("int-max-plus-1", "2147483648"),
        ("int-min-minus-1", "-2147483649"),
        ("short-max-plus-1", "32768"),
        ("minus-one", "-1"),
        ("zero", "0"),
        ("negative-zero", "-0"),
        ("fraction", "1.5"),
        ("underflow", "1e-400"),
        ("denormal", "4.9e-324"),
        ("long-decimal", "123456789012345678901234567890.123456789"),
        ("exponent", "1E+2"),
        ("exponent-small", "0.1e1"),
        ("double-max", "1.7976931348623157e308"),
    ];

    /// <summary>Tokens that make the document invalid JSON.</summary>
    public static readonly (string Label, string Token)[] InvalidTokens =
    [
        ("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("hex", "0x10"), ("leading-zero", "01"),
        ("plus", "+1"), ("dot-first", ".5"), ("dot-last", "1."), ("bare-e", "1e"), ("undefined", "undefined"),
        ("True", "True"), ("nul", "nul"), ("single-quoted", "'x'"), ("unterminated-string", "\"abc"),
        ("bad-escape", "\"\\q\""), ("short-unicode-escape", "\"\\u12\""), ("raw-control-in-string", "\"a\u0001b\""),
    ];

    /// <summary>JSON string literals that escape to invalid Unicode.</summary>
    public static readonly (string Label, string Token)[] InvalidEscapes =
    [
        ("escaped-lone-high", "\"\\ud800\""),
        ("escaped-lone-low", "\"\\udc00x\""),
        ("escaped-two-highs", "\"\\ud800\\ud800\""),
        ("escaped-reversed-pair", "\"\\ude00\\ud83d\""),
        ("escaped-nul", "\"\\u0000\""),
        ("escaped-nul-inside", "\"ab\\u0000cd\""),
    ];

    /// <summary>JSON strings holding bytes that are not UTF-8.</summary>
    public static readonly (string Label, byte[] Bytes)[] InvalidUtf8Strings =
    [
        ("ff", [0x22, 0xff, 0x22]),
        ("overlong-slash", [0x22, 0xc0, 0xaf, 0x22]),
        ("cesu-surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22]),
        ("five-byte", [0x22, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x22]),
        ("lone-continuation", [0x22, 0x61, 0x80, 0x62, 0x22]),
        ("truncated-sequence", [0x22, 0x61, 0xc3, 0x22]),
        ("above-max-code-point", [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]),
    ];

    /// <summary>Values of the wrong JSON type for anything.</summary>
    public static readonly (string Label, string Token)[] OtherTypes =
    [
        ("true", "true"), ("false", "false"), ("null", "null"), ("empty-object", "{}"), ("empty-array", "[]"),
        ("array", "[1,\"a\",null]"), ("object", "{\"a\":1}"), ("string-number", "\"1\""), ("string-true", "\"true\""),
        ("number", "42"), ("array-of-objects", "[{},{}]"), ("string", "\"x\""),
    ];

    /// <summary>Path segments written into the URL exactly as given (they are already valid URL text).</summary>
    public static readonly (string Label, string Raw)[] RawPathSegments =
    [
        ("dot", "."),
        ("dot-dot", ".."),
        ("traversal-raw", "../../etc/passwd"),
        ("traversal-encoded-slash", "..%2F..%2Fetc%2Fpasswd"),
        ("traversal-all-encoded", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
        ("traversal-double-encoded", "%252e%252e%252fetc%252fpasswd"),
        ("traversal-backslash", "..%5C..%5Cwindows%5Cwin.ini"),
        ("overlong-dot-dot", "%C0%AE%C0%AE%2F"),
        ("nul", "%00"),
        ("nul-suffix", "x%00.json"),
        ("utf8-lone-surrogate", "%ED%A0%80"),
        ("utf8-overlong", "%C0%AF"),
        ("utf8-ff", "%FF%FE"),
        ("utf8-truncated", "a%C3"),
        ("utf8-overlong-3", "%E0%80%AF"),
        ("iis-unicode", "%u002e%u002e"),
        ("lone-percent", "%"),
        ("bad-percent", "%G1%%"),
        ("semicolon-params", "x;jsessionid=1;a=b"),
        ("encoded-question", "x%3Fy%3D1"),
        ("encoded-hash", "x%23y"),
        ("encoded-crlf", "%0D%0ASet-Cookie:%20a=b"),
        ("encoded-space", "%20"),
        ("plus", "a+b"),
        ("tilde", "~root"),
        ("at-colon", "user:pass@host"),
        ("sql-raw", "'%20OR%20'1'='1"),
        ("script-encoded", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        ("long-7k", new string('A', 7000)),
        ("empty", ""),
    ];

    /// <summary>
    /// Percent-encodes text for a URL: unreserved characters as they are, everything else as UTF-8 bytes — and a lone
    /// surrogate as its 3-byte (CESU/WTF-8) form, which is not valid UTF-8. Nothing is left that a server could
    /// refuse at the request-line level.
    /// </summary>
    public static string PercentEncode(string text)
    {
        var sb = new StringBuilder(text.Length * 3);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~')
            {
                sb.Append(c);
                continue;
            }
            byte[] bytes;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                bytes = Encoding.UTF8.GetBytes(text.Substring(i, 2));
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                bytes = [(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))];
            }
            else
            {
                bytes = Encoding.UTF8.GetBytes(c.ToString());
            }
            foreach (var b in bytes) sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static string PercentEncode(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A bracketed JSON value nested <paramref name="depth"/> levels deep.</summary>
    public static string Nested(int depth, bool objects)
        => objects
            ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)
            : new string('[', depth) + "1" + new string(']', depth);
}
