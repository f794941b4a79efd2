-- Alarms handled to closure: the note given on acknowledging, the person it is assigned to, comments, and the
-- closure (who, when, the cause and a note). "cleared" says the condition ended; "closed" says a person finished it.
ALTER TABLE alarms ADD COLUMN ack_note TEXT NOT NULL DEFAULT '';
ALTER TABLE alarms ADD COLUMN assignee_id BIGINT REFERENCES users(id);
ALTER TABLE alarms ADD COLUMN assigned_at BIGINT;
ALTER TABLE alarms ADD COLUMN closed_at BIGINT;
ALTER TABLE alarms ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE alarms ADD COLUMN close_cause TEXT NOT NULL DEFAULT '';
ALTER TABLE alarms ADD COLUMN close_note TEXT NOT NULL DEFAULT '';
ALTER TABLE alarms ADD COLUMN comment_count BIGINT NOT NULL DEFAULT 0;
CREATE INDEX alarms_closed ON alarms(closed_at, raised_at);
CREATE INDEX alarms_rule ON alarms(rule_id, raised_at);

CREATE TABLE alarm_comments (
  id INTEGER PRIMARY KEY,
  alarm_id BIGINT NOT NULL REFERENCES alarms(id),
  at BIGINT NOT NULL,
  author_id BIGINT,
  author_name TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX alarm_comments_alarm ON alarm_comments(alarm_id, at);
