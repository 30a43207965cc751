-- Runs of scheduled jobs (SPEC §9 "jobs"). A run is keyed by its job and slot (the scheduled
-- time it stands for, or the moment of a manual run): inserting the row claims the slot, so two
-- processes on one database never run the same slot twice.
CREATE TABLE job_runs (
    job            TEXT    NOT NULL,
    slot           INTEGER NOT NULL,
    started_by     TEXT    NOT NULL,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    succeeded      INTEGER,
    message        TEXT,
    PRIMARY KEY (job, slot)
);
