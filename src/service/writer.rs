//! The share writer. On SQLite only one transaction can write at a time, so concurrent
//! submissions are queued and committed together (group commit): one fsync for many shares.
//! On PostgreSQL each submission commits in its own transaction, in parallel.

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use crate::db::shares::{InsertOutcome, NewShare, insert};

/// Most submissions committed in one transaction.
const MAX_GROUP: usize = 256;
/// Submissions that may wait for the writer before callers are told the service is busy.
const QUEUE_DEPTH: usize = 4096;

type Job = (NewShare, oneshot::Sender<Result<InsertOutcome, DbErr>>);

/// Stores shares; cheap to clone.
#[derive(Clone)]
pub enum ShareWriter {
    /// One transaction per submission (PostgreSQL).
    Direct(DatabaseConnection),
    /// A queue drained by one task that commits groups (SQLite).
    Grouped(mpsc::Sender<Job>),
}

impl ShareWriter {
    /// Starts the writer for this database.
    pub fn start(db: DatabaseConnection, group_commit: bool) -> Self {
        if !group_commit {
            return Self::Direct(db);
        }
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(run(db, receiver));
        Self::Grouped(sender)
    }

    /// Stores one share and reports how it ended.
    pub async fn write(&self, share: NewShare) -> Result<InsertOutcome, DbErr> {
        match self {
            Self::Direct(db) => {
                let txn = db.begin().await?;
                let outcome = insert(&txn, &share).await?;
                txn.commit().await?;
                Ok(outcome)
            }
            Self::Grouped(sender) => {
                let (reply, answer) = oneshot::channel();
                sender
                    .try_send((share, reply))
                    .map_err(|_| DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))?;
                answer
                    .await
                    .map_err(|_| DbErr::Custom("share writer stopped".to_owned()))?
            }
        }
    }
}

/// Drains the queue: takes what is waiting (up to MAX_GROUP), commits it as one transaction.
async fn run(db: DatabaseConnection, mut receiver: mpsc::Receiver<Job>) {
    let mut group: Vec<Job> = Vec::with_capacity(MAX_GROUP);
    while receiver.recv_many(&mut group, MAX_GROUP).await > 0 {
        match commit_group(&db, &group).await {
            Ok(outcomes) => {
                for ((_, reply), outcome) in group.drain(..).zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            // One bad share must not fail its neighbours: retry each alone.
            Err(_) if group.len() > 1 => {
                for (share, reply) in group.drain(..) {
                    let _ = reply.send(commit_one(&db, &share).await);
                }
            }
            Err(err) => {
                for (_, reply) in group.drain(..) {
                    let _ = reply.send(Err(clone_err(&err)));
                }
            }
        }
    }
}

async fn commit_group(db: &DatabaseConnection, group: &[Job]) -> Result<Vec<InsertOutcome>, DbErr> {
    let txn = db.begin().await?;
    let mut outcomes = Vec::with_capacity(group.len());
    for (share, _) in group {
        outcomes.push(insert(&txn, share).await?);
    }
    txn.commit().await?;
    Ok(outcomes)
}

async fn commit_one(db: &DatabaseConnection, share: &NewShare) -> Result<InsertOutcome, DbErr> {
    let txn = db.begin().await?;
    let outcome = insert(&txn, share).await?;
    txn.commit().await?;
    Ok(outcome)
}

fn clone_err(err: &DbErr) -> DbErr {
    match err {
        DbErr::ConnectionAcquire(e) => DbErr::ConnectionAcquire(e.clone()),
        other => DbErr::Custom(other.to_string()),
    }
}
