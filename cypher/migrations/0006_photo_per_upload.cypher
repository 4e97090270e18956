// Each upload is its own Photo (its agency, date and classification); uploads of the same
// image share one stored file. So the SHA-256 is no longer unique, only looked up.
DROP CONSTRAINT photo_sha256 IF EXISTS;
CREATE INDEX photo_sha256 IF NOT EXISTS FOR (n:Photo) ON (n.sha256);
