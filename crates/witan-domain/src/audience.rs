/// Who is reading. Every read of content that can be exempt takes one, so that the store, not the
/// page, decides what leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone, without logging in: exempt content and unpublished agendas are withheld.
    Public,
    /// Clerks, members and officers entitled to see exempt content.
    Privileged,
}

impl Audience {
    pub fn sees_exempt(self) -> bool {
        matches!(self, Self::Privileged)
    }
}
