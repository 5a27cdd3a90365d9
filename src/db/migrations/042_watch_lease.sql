-- Watch mode inside the workers: one replica scans the cluster at a time. The holder renews its
-- lease every scan; when it stops (or dies) another worker takes over once the lease expired.
CREATE TABLE watch_lease (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
