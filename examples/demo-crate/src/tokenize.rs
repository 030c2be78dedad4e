//! A tokenizer for `key = value` configuration lines.

#[derive(Debug, PartialEq, Eq)]
pub enum Token<'a> {
    Key(&'a str),
    Equals,
    Value(&'a str),
    Comment(&'a str),
}

/// Splits one line into tokens; `#` starts a comment.
pub fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let (code, comment) = match line.find('#') {
        Some(i) => (&line[..i], Some(&line[i + 1..])),
        None => (line, None),
    };
    if let Some((key, value)) = code.split_once('=') {
        out.push(Token::Key(key.trim()));
        out.push(Token::Equals);
        out.push(Token::Value(value.trim()));
    } else if !code.trim().is_empty() {
        out.push(Token::Key(code.trim()));
    }
    if let Some(c) = comment {
        out.push(Token::Comment(c.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_and_comment() {
        assert_eq!(
            tokenize("jobs = 4 # cores"),
            vec![Token::Key("jobs"), Token::Equals, Token::Value("4"), Token::Comment("cores")]
        );
    }

    #[test]
    #[ignore = "slow: exercises a long line"]
    fn long_line() {
        let line = "k = ".to_string() + &"v".repeat(1_000_000);
        assert_eq!(tokenize(&line).len(), 3);
    }
}
