-- Per-channel pace of notifications: the next free slot of each channel. Each notify run takes
-- the slot and moves it on by 60 s / the channel's messages per minute; its queue item becomes
-- available at that slot. A burst of finished alert runs is spread out instead of tripping the
-- receiving API's rate limit — nothing is dropped and no worker waits.
CREATE TABLE notification_pace (
  channel text PRIMARY KEY,
  next_at timestamptz NOT NULL
);
