//! Published minutes as a sequence of blocks: a paragraph, a list item or a heading, each with
//! the line it starts on. Plain text and Markdown give one block per non-blank line; HTML is
//! tokenised (html5gum, a WHATWG tokenizer without unsafe code or dependencies) and split at
//! block-level tags, with character references decoded.

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// One paragraph-like piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line of the source file where the block starts.
    pub line: usize,
    pub text: String,
    /// A list item (`<li>`, or a line starting with a bullet).
    pub list_item: bool,
    /// A heading: `<h1>`…`<h6>`, or a paragraph that is bold throughout.
    pub heading: bool,
}

/// Front matter (YAML between `---` lines) and the body after it.
pub fn split_front_matter(source: &str) -> (Option<&str>, &str, usize) {
    let Some(rest) = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
    else {
        return (None, source, 0);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let lines = 2 + front.matches('\n').count();
            return (Some(front), body, lines);
        }
        offset += line.len();
    }
    (None, source, 0)
}

/// Whether a body looks like HTML rather than text.
pub fn looks_like_html(body: &str) -> bool {
    let head = body.trim_start();
    [
        "<p",
        "<div",
        "<html",
        "<!doctype",
        "<h1",
        "<h2",
        "<ul",
        "<table",
        "<body",
        "<section",
    ]
    .iter()
    .any(|tag| {
        head.as_bytes()
            .get(..tag.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(tag.as_bytes()))
    })
}

/// Tidies a run of text: non-breaking spaces and runs of white space become one space.
pub fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

const BULLETS: [char; 5] = ['·', '•', '*', '-', '–'];

/// Blocks of plain text or Markdown: one per non-blank line; `first_line` is the line number of
/// the body's first line in the file.
pub fn text_blocks(body: &str, first_line: usize) -> Vec<Block> {
    body.lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let trimmed = raw.trim_start_matches(['#', ' ', '\t', '\u{a0}']);
            let heading = raw.trim_start().starts_with('#');
            let (list_item, trimmed) = match trimmed.strip_prefix(BULLETS) {
                Some(rest) if rest.starts_with([' ', '\u{a0}']) => (true, rest),
                _ => (false, trimmed),
            };
            let text = squash(trimmed);
            (!text.is_empty()).then_some(Block {
                line: first_line + i,
                text,
                list_item,
                heading,
            })
        })
        .collect()
}

fn is_block_tag(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"div"
            | b"li"
            | b"ul"
            | b"ol"
            | b"br"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"tr"
            | b"td"
            | b"th"
            | b"table"
            | b"section"
            | b"article"
            | b"header"
            | b"footer"
            | b"blockquote"
            | b"dt"
            | b"dd"
    )
}

#[derive(Default)]
struct Open {
    line: usize,
    text: String,
    bold: String,
    list_item: bool,
    heading: bool,
}

/// Blocks of an HTML body. Scripts, styles and navigation are skipped.
pub fn html_blocks(body: &str, first_line: usize) -> Vec<Block> {
    // Lines are counted forward from the last offset asked about: tokens come in order.
    let mut counted = (0usize, first_line);
    let mut line_at = |offset: usize| {
        let offset = offset.min(body.len());
        if offset < counted.0 {
            counted = (0, first_line);
        }
        counted.1 += body.as_bytes()[counted.0..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted.0 = offset;
        counted.1
    };
    let mut blocks = Vec::new();
    let mut open = Open::default();
    let mut bold_depth = 0usize;
    let mut skip_depth = 0usize;
    let close = |open: &mut Open, blocks: &mut Vec<Block>| {
        let text = squash(&open.text);
        if !text.is_empty() {
            let bold = squash(&open.bold);
            blocks.push(Block {
                line: open.line,
                heading: open.heading || bold == text,
                list_item: open.list_item,
                text,
            });
        }
        *open = Open::default();
    };
    let emitter = DefaultEmitter::<usize>::new_with_span();
    for token in Tokenizer::new_with_emitter(body, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.as_slice();
                if matches!(name, b"script" | b"style" | b"nav" | b"noscript") && !tag.self_closing
                {
                    skip_depth += 1;
                } else if is_block_tag(name) {
                    close(&mut open, &mut blocks);
                    open.line = line_at(tag.span.start);
                    open.list_item = name == b"li";
                    open.heading = matches!(name, b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6");
                } else if matches!(name, b"strong" | b"b") {
                    bold_depth += 1;
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.as_slice();
                if matches!(name, b"script" | b"style" | b"nav" | b"noscript") {
                    skip_depth = skip_depth.saturating_sub(1);
                } else if is_block_tag(name) {
                    close(&mut open, &mut blocks);
                    open.line = line_at(tag.span.end);
                } else if matches!(name, b"strong" | b"b") {
                    bold_depth = bold_depth.saturating_sub(1);
                }
            }
            Token::String(s) if skip_depth == 0 => {
                let piece = String::from_utf8_lossy(s.as_slice());
                if open.text.trim().is_empty() && !piece.trim().is_empty() {
                    open.line = line_at(s.span.start + piece.len() - piece.trim_start().len());
                }
                open.text.push_str(&piece);
                if bold_depth > 0 {
                    open.bold.push_str(&piece);
                } else if !piece.trim().is_empty() {
                    open.bold.push('\u{1}');
                }
            }
            _ => {}
        }
    }
    close(&mut open, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_paragraphs_lists_and_bold_headings() {
        let html = "<p><strong>Programme Update</strong></p>\n<p>TK summarised &amp; noted:</p>\n\
                    <ul><li>one</li>\n<li>two</li></ul><p><strong>Action:</strong> Do it.</p>";
        let blocks = html_blocks(html, 10);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Programme Update",
                "TK summarised & noted:",
                "one",
                "two",
                "Action: Do it."
            ]
        );
        assert!(blocks[0].heading && !blocks[1].heading && !blocks[4].heading);
        assert!(blocks[2].list_item);
        assert_eq!(
            (blocks[0].line, blocks[1].line, blocks[3].line),
            (10, 11, 13)
        );
    }

    #[test]
    fn html_sniffing_never_cuts_a_character() {
        // Found by the minutes fuzz target: a multi-byte character where a tag name would end.
        assert!(!looks_like_html("Issue \u{FFFD}meetings"));
        assert!(!looks_like_html("<sectio\u{e9}n"));
        assert!(looks_like_html("<P>Minutes</P>"));
    }

    #[test]
    fn text_lines_and_front_matter() {
        let source = "---\ntitle: Minutes\n---\nFirst\n\n\u{a0}\n·  Governance;\n";
        let (front, body, lines) = split_front_matter(source);
        assert_eq!(front, Some("title: Minutes\n"));
        let blocks = text_blocks(body, lines + 1);
        assert_eq!(blocks.len(), 2);
        assert_eq!((blocks[0].line, blocks[0].text.as_str()), (4, "First"));
        assert!(blocks[1].list_item);
        assert_eq!(blocks[1].text, "Governance;");
    }
}
