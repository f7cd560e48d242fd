//! The chat platforms a command can come from and a post can go to.

/// Where a command came from, and therefore where subscriptions and posts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Discord,
    Matrix,
    Console,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Discord => "discord",
            Platform::Matrix => "matrix",
            Platform::Console => "console",
        }
    }

    pub fn parse(text: &str) -> Option<Platform> {
        match text {
            "discord" => Some(Platform::Discord),
            "matrix" => Some(Platform::Matrix),
            "console" => Some(Platform::Console),
            _ => None,
        }
    }

    /// The scope a server of this platform owns its sources, topics and settings in:
    /// `discord:<guild>`, `matrix:<room>`.
    pub fn server_scope(self, server: &str) -> String {
        format!("{}:{server}", self.as_str())
    }
}
