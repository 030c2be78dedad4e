fn f<'a>(x: &'a str) -> char { 'x' } '\u{1F600}' 'ab' r#match r#unsafe 'r#raw
