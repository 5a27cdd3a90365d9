-- Login throttling per (account, source address), per source address and per account. Only the
-- first two can lock; the per-account counter only slows down (a per-account lock let anyone lock
-- any account, the admin's included), so locks set on accounts under the old policy are lifted.
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_scope_check;
ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_scope_check CHECK (scope IN ('account_ip', 'ip', 'account'));
UPDATE login_attempts SET locked_until = NULL WHERE scope = 'account';
