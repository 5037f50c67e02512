//! The share writer: concurrent submissions are queued and committed together (group commit),
//! one multi-row insert and one counter upsert per group. On SQLite, where only one transaction
//! can write at a time, this is what makes `synchronous=FULL` affordable; on PostgreSQL it halves
//! the round trips and commits per share (measured: 0.116 × /healthz against 0.059 × with one
//! transaction per request; see README "Durability").

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};

use crate::db::shares::{InsertOutcome, NewShare, insert, insert_batch};

/// Most submissions committed in one transaction.
const MAX_GROUP: usize = 256;
/// Submissions that may wait for the writer before callers are told the service is busy.
const QUEUE_DEPTH: usize = 4096;

type Job = (NewShare, oneshot::Sender<Result<InsertOutcome, DbErr>>);

/// Stores shares; cheap to clone.
#[derive(Clone)]
pub struct ShareWriter {
    queue: mpsc::Sender<Job>,
    stop: Arc<watch::Sender<bool>>,
    finished: watch::Receiver<bool>,
}

impl ShareWriter {
    /// Starts the writer task over the pool.
    pub fn start(db: DatabaseConnection) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let (stop, stop_seen) = watch::channel(false);
        let (done, finished) = watch::channel(false);
        tokio::spawn(async move {
            run(db, receiver, stop_seen).await;
            let _ = done.send(true);
        });
        Self {
            queue,
            stop: Arc::new(stop),
            finished,
        }
    }

    /// Stops taking submissions, commits every one already queued, and returns when the writer
    /// is done (graceful shutdown: call before closing the pool). Later writes are refused as
    /// unavailable.
    pub async fn close(&self) {
        let _ = self.stop.send(true);
        let mut finished = self.finished.clone();
        let _ = finished.wait_for(|done| *done).await;
    }

    /// Submissions waiting to be committed now.
    pub fn queue_depth(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    /// Stores one share and reports how it ended; a full queue is reported as unavailable.
    pub async fn write(&self, share: NewShare) -> Result<InsertOutcome, DbErr> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .try_send((share, reply))
            .map_err(|_| DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))?;
        answer
            .await
            .map_err(|_| DbErr::Custom("share writer stopped".to_owned()))?
    }
}

/// Drains the queue: takes what is waiting (up to MAX_GROUP) and commits it as one transaction.
/// Once told to stop, it closes the queue and still commits everything already in it.
async fn run(
    db: DatabaseConnection,
    mut receiver: mpsc::Receiver<Job>,
    mut stop: watch::Receiver<bool>,
) {
    let mut group: Vec<Job> = Vec::with_capacity(MAX_GROUP);
    let mut stopping = false;
    loop {
        let received = if stopping {
            receiver.recv_many(&mut group, MAX_GROUP).await
        } else {
            tokio::select! {
                received = receiver.recv_many(&mut group, MAX_GROUP) => received,
                _ = stop.wait_for(|stop| *stop) => {
                    stopping = true;
                    receiver.close();
                    continue;
                }
            }
        };
        if received == 0 {
            break;
        }
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
    let shares: Vec<NewShare> = group.iter().map(|(share, _)| share.clone()).collect();
    let txn = db.begin().await?;
    let outcomes = insert_batch(&txn, &shares).await?;
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
        DbErr::ConnectionAcquire(e) => DbErr::ConnectionAcquire(*e),
        other => DbErr::Custom(other.to_string()),
    }
}
