-- Rows written by the first schema (user_version 1), for the migration test.
INSERT INTO kv(name, value) VALUES ('auth.password_hint', CAST('old hint' AS BLOB));
INSERT INTO update_state(user_id, pts, qts, date, seq) VALUES (1001, 500, 20, 1700000000, 7);
INSERT INTO channel_pts(user_id, channel_id, pts) VALUES (1001, 300, 42);
INSERT INTO update_access_hash(user_id, kind, peer_id, access_hash) VALUES (1001, 3, 300, -99);
INSERT INTO peers(kind, id, access_hash) VALUES (1, 55, 1234);
INSERT INTO users(id, first_name, last_name, username, phone, flags) VALUES (55, 'Grace', 'H', 'grace', '', 4);
INSERT INTO dialogs(peer_kind, peer_id, kind, title, unread_count, top_message, top_date, pin_order, folder_id)
	VALUES (1, 55, 1, 'Grace', 2, 0, 0, 1, 0);
INSERT INTO messages(peer_kind, peer_id, id, from_kind, from_id, out, date, text, entities, reply_to, edit_date, media, deleted)
	VALUES (1, 55, 1, 1, 55, 0, 1700000001, 'first message from the old schema', NULL, 0, 0, NULL, 0);
INSERT INTO messages(peer_kind, peer_id, id, from_kind, from_id, out, date, text, entities, reply_to, edit_date, media, deleted)
	VALUES (1, 55, 2, 1, 1001, 1, 1700000002, 'second, with entities', '[{"type":"italic"}]', 1, 0, x'0102', 0);
INSERT INTO messages(peer_kind, peer_id, id, from_kind, from_id, out, date, text, entities, reply_to, edit_date, media, deleted)
	VALUES (1, 55, 3, 1, 55, 0, 1700000003, '', NULL, 0, 0, NULL, 1);
