"""The history's schema: numbered migrations, applied in order on open (``database``)."""

# the answer and evidence columns of turns_fts from a turn's answer JSON (SQL, for migration 3)
_FTS_TEXT = """CASE WHEN NOT json_valid({json}) THEN ''
                    WHEN json_extract({json}, '$.abstained') THEN 'The brief does not say.'
                    ELSE coalesce(json_extract({json}, '$.answer'), '') END,
               CASE WHEN json_valid({json}) THEN coalesce(json_extract({json}, '$.evidence'), '')
                    ELSE '' END"""

# Each entry moves the schema one version up; never edit one that has shipped, add another.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the first schema
    (
        """CREATE TABLE conversations (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               title TEXT NOT NULL,
               created TEXT NOT NULL)""",
        """CREATE TABLE turns (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
               question TEXT NOT NULL,
               answer_json TEXT NOT NULL,
               fingerprint TEXT NOT NULL,
               time TEXT NOT NULL)""",
    ),
    # 2: conversations know when they last changed (newest-first lists without a scan)
    (
        "ALTER TABLE conversations ADD COLUMN updated TEXT",
        """UPDATE conversations SET updated = coalesce(
               (SELECT max(time) FROM turns WHERE turns.conversation_id = conversations.id), created)""",
        "CREATE INDEX turns_by_conversation ON turns(conversation_id, id)",
        "CREATE INDEX conversations_by_updated ON conversations(updated)",
    ),
    # 3: full-text search (FTS5) over questions, answers (an abstention as its words) and
    # evidence, kept up to date by triggers in plain SQL (any SQLite client may write turns);
    # the turns already saved are indexed here
    (
        """CREATE VIRTUAL TABLE turns_fts USING fts5(
               question, answer, evidence, tokenize = 'unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN
               INSERT INTO turns_fts (rowid, question, answer, evidence)
               SELECT new.id, new.question, {_FTS_TEXT.format(json="new.answer_json")};
           END""",
        """CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN
               DELETE FROM turns_fts WHERE rowid = old.id;
           END""",
        f"""CREATE TRIGGER turns_fts_update AFTER UPDATE ON turns BEGIN
               DELETE FROM turns_fts WHERE rowid = old.id;
               INSERT INTO turns_fts (rowid, question, answer, evidence)
               SELECT new.id, new.question, {_FTS_TEXT.format(json="new.answer_json")};
           END""",
        f"""INSERT INTO turns_fts (rowid, question, answer, evidence)
            SELECT id, question, {_FTS_TEXT.format(json="answer_json")} FROM turns""",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
