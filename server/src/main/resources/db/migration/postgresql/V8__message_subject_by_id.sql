-- A subject's message list (GET /app/{app}/msg?subject=) pages by message id. With the subject's sequence in this
-- index instead, a long subject's page was not read from it: PostgreSQL walked the newer messages of other subjects
-- (111 ms for a page of a 200,000-message subject older than 800,000 others; 0.037 ms with this index), and a
-- short subject's page read all of the subject's messages and sorted them. With the id, a page reads its own
-- entries, the subject being the scope (MessageRepository.list). Nothing else reads this index: a subject's last
-- sequence is in its row.
DROP INDEX message_subject;
CREATE INDEX message_subject ON message (app_id, subject, id) WHERE subject IS NOT NULL;
