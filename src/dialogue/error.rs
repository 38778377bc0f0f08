//! What can stop a message from being handled: the database, or a fault of ours. The user
//! is told to try again; the chat stays where it was.

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
