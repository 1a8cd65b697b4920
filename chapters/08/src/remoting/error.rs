//! `RemotingError` — the failures below the request/response level.
//!
//! Java spreads these over `RemotingConnectException`,
//! `RemotingCommandException` and friends. A *response* with a bad code (say
//! `TOPIC_NOT_EXIST`) is not an error here: the remoting layer delivered it
//! fine, and it is the caller's business to read the code.

/// Something went wrong carrying or decoding a command.
#[derive(Debug, thiserror::Error)]
pub enum RemotingError {
    /// Nothing listens at the address (`RemotingConnectException`).
    #[error("connect to {0} failed: no name server or broker listens at that address")]
    ConnectFailed(String),
    /// The server held the request to answer later (long polling), and the
    /// caller waited synchronously: send it with `invoke_async` instead.
    #[error("{0} holds the request to answer it later; send it with invoke_async")]
    NoResponse(String),
    /// A required custom-header field is absent (`@CFNotNull` in Java).
    #[error("the custom field <{0}> is null")]
    MissingField(&'static str),
    /// A custom-header field is present but does not parse.
    #[error("the custom field <{field}> has an invalid value {value:?}")]
    InvalidField { field: &'static str, value: String },
    /// A JSON body does not match the type it should hold.
    #[error("cannot decode the body: {0}")]
    Body(#[from] serde_json::Error),
}
