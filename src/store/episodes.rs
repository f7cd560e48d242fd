//! Podcast episode data: transcript segments and chapters, stored with the episode's article.

use sqlx::Row;

use super::{Store, StoreError};
use crate::domain::{Chapter, Segment};

impl Store {
    /// Stores a fetched transcript (replacing any earlier one) and marks the episode.
    pub async fn save_transcript(&self, article_id: i64, segments: &[Segment]) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM transcript_segments WHERE article_id = ?")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        for (seq, segment) in segments.iter().enumerate() {
            sqlx::query(
                "INSERT INTO transcript_segments (article_id, seq, start_secs, end_secs, speaker, text)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(article_id)
            .bind(i64::try_from(seq).unwrap_or(i64::MAX))
            .bind(segment.start)
            .bind(segment.end)
            .bind(&segment.speaker)
            .bind(&segment.text)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE episodes SET transcript_status = 'ok' WHERE article_id = ?")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records why a transcript or chapters file could not be had, for `sources list` and retries.
    pub async fn mark_episode_status(
        &self,
        article_id: i64,
        transcript_status: Option<&str>,
        chapters_status: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE episodes SET transcript_status = coalesce(?, transcript_status),
                chapters_status = coalesce(?, chapters_status) WHERE article_id = ?",
        )
        .bind(transcript_status)
        .bind(chapters_status)
        .bind(article_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn save_chapters(&self, article_id: i64, chapters: &[Chapter]) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM chapters WHERE article_id = ?")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        for (seq, chapter) in chapters.iter().enumerate() {
            sqlx::query(
                "INSERT INTO chapters (article_id, seq, start_secs, end_secs, title, url) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(article_id)
            .bind(i64::try_from(seq).unwrap_or(i64::MAX))
            .bind(chapter.start)
            .bind(chapter.end)
            .bind(&chapter.title)
            .bind(&chapter.url)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE episodes SET chapters_status = 'ok' WHERE article_id = ?")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn transcript(&self, article_id: i64) -> Result<Vec<Segment>, StoreError> {
        let rows = sqlx::query(
            "SELECT start_secs, end_secs, speaker, text FROM transcript_segments WHERE article_id = ? ORDER BY seq",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Segment {
                    start: row.try_get("start_secs")?,
                    end: row.try_get("end_secs")?,
                    speaker: row.try_get("speaker")?,
                    text: row.try_get("text")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }

    pub async fn chapters(&self, article_id: i64) -> Result<Vec<Chapter>, StoreError> {
        let rows =
            sqlx::query("SELECT start_secs, end_secs, title, url FROM chapters WHERE article_id = ? ORDER BY seq")
                .bind(article_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(Chapter {
                    start: row.try_get("start_secs")?,
                    end: row.try_get("end_secs")?,
                    title: row.try_get("title")?,
                    url: row.try_get("url")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }
}
