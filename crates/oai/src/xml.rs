//! Writing OAI-PMH documents with quick-xml; characters that XML 1.0
//! forbids are dropped from every text and attribute, never emitted.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::borrow::Cow;

pub(crate) struct Xml {
    writer: Writer<Vec<u8>>,
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// `text` without the characters XML 1.0 forbids.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| allowed(*c)).collect())
    }
}

impl Xml {
    pub(crate) fn new() -> Xml {
        Xml {
            writer: Writer::new(Vec::new()),
        }
    }

    fn event(&mut self, e: Event<'_>) {
        // Writing into a Vec cannot fail.
        let _ = self.writer.write_event(e);
    }

    pub(crate) fn declaration(&mut self) {
        self.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        self.raw(b"\n".to_vec());
    }

    fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            start.push_attribute((*k, clean(v).as_ref()));
        }
        start
    }

    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let start = Xml::start(name, attrs);
        self.event(Event::Start(start));
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    pub(crate) fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        let start = Xml::start(name, attrs);
        self.event(Event::Start(start));
        let text = clean(text);
        self.event(Event::Text(BytesText::new(&text)));
        self.close(name);
    }

    pub(crate) fn raw(&mut self, bytes: Vec<u8>) {
        self.writer.get_mut().extend_from_slice(&bytes);
    }

    /// What was written since the last take.
    pub(crate) fn take(&mut self) -> Vec<u8> {
        std::mem::take(self.writer.get_mut())
    }

    /// How many bytes wait to be taken.
    pub(crate) fn len(&self) -> usize {
        self.writer.get_ref().len()
    }

    #[cfg_attr(not(test), allow(dead_code))] // the format tests read whole documents
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(super::clean("a\u{3}b\u{FFFE}c\tд"), "abc\tд");
        let mut x = super::Xml::new();
        x.text_element("t", &[("a", "x\u{1}")], "<\u{0}&");
        assert_eq!(
            String::from_utf8(x.into_bytes()).unwrap(),
            "<t a=\"x\">&lt;&amp;</t>"
        );
    }
}
