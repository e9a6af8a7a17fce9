/// Text matched literally by SQL `LIKE ... ESCAPE '\'` (both stores): the wildcards `%` and `_`, and the
/// backslash itself, are escaped with a backslash.
public enum LikePattern {
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
