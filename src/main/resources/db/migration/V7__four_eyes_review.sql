-- Four eyes at review: when TRUE, the staged copy of a request must be reviewed by a member with the REVIEW right
-- other than the one who requested it. Off for existing studies: they keep the review they had.
ALTER TABLE study ADD COLUMN four_eyes_review BOOLEAN DEFAULT FALSE NOT NULL;
