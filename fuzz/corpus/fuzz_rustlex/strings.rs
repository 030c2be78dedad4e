ÿr##"a "# b"##; br#"x"#; c"y"; b'\''; "esc \" \
 q"
