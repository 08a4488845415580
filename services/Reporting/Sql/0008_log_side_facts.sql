-- The rebuild covers every derived table (issue 24): ratings, feedback, certified copies and the register of agencies are
-- now logged in event_log before they are applied (Kpi/Facts/SideFacts.cs), like the dossier events. Rows projected
-- before this migration have no log entry, so each is logged here as the event that would give the same row, and a
-- rebuild keeps them. Fields a row does not keep (a rating's reasons and channel, a feedback's category) are logged empty:
-- no table reads them. A rating of feedback keeps only its Vietnam day: it is logged at noon of that day.
INSERT INTO event_log (kind, subject, key, payload)
SELECT 'rating', dossier_code, '', jsonb_build_object(
    'dossierCode', dossier_code, 'receivingUnit', unit, 'decidingAgency', agency, 'procedureCode', NULLIF(procedure_code, ''),
    'level', level, 'satisfied', satisfied, 'reasons', '[]'::jsonb, 'channel', '', 'ratedAt', rated_at)
FROM satisfaction_ratings
ON CONFLICT (subject, kind, key) DO NOTHING;

INSERT INTO event_log (kind, subject, key, payload)
SELECT 'feedback-filed', id::text, '', jsonb_build_object(
    'feedbackId', id, 'agency', agency, 'dossierCode', NULL, 'procedureCode', NULLIF(procedure_code, ''), 'category', '', 'channel', '',
    'filedAt', filed_at, 'dueAt', due_at)
FROM feedback_facts WHERE filed_at IS NOT NULL AND due_at IS NOT NULL AND answered_at IS NULL
ON CONFLICT (subject, kind, key) DO NOTHING;

INSERT INTO event_log (kind, subject, key, payload)
SELECT 'feedback-answered', id::text, '', jsonb_build_object(
    'feedbackId', id, 'agency', agency, 'procedureCode', NULLIF(procedure_code, ''), 'filedAt', filed_at, 'dueAt', due_at,
    'answeredAt', answered_at, 'onTime', answered_at <= due_at)
FROM feedback_facts WHERE filed_at IS NOT NULL AND due_at IS NOT NULL AND answered_at IS NOT NULL
ON CONFLICT (subject, kind, key) DO NOTHING;

INSERT INTO event_log (kind, subject, key, payload)
SELECT 'feedback-rated', id::text, '', jsonb_build_object(
    'feedbackId', id, 'agency', agency, 'procedureCode', NULLIF(procedure_code, ''), 'level', '', 'satisfied', satisfied,
    'reasons', '[]'::jsonb, 'channel', '', 'ratedAt', (rated_day + time '12:00') AT TIME ZONE 'Asia/Ho_Chi_Minh')
FROM feedback_facts WHERE satisfied IS NOT NULL AND rated_day IS NOT NULL
ON CONFLICT (subject, kind, key) DO NOTHING;

INSERT INTO event_log (kind, subject, key, payload)
SELECT 'certified-copy', copy_id::text, '', jsonb_build_object(
    'copyId', copy_id, 'agency', agency, 'certifiedAt', certified_at, 'keyId', '')
FROM certified_copies
ON CONFLICT (subject, kind, key) DO NOTHING;

INSERT INTO event_log (kind, subject, key, payload)
SELECT 'agency', id, version::text, jsonb_build_object(
    'agency', jsonb_build_object('id', id, 'version', version, 'name', name, 'kind', kind, 'effectiveFrom', effective_from,
                                 'effectiveTo', effective_to),
    'at', updated_at)
FROM agencies
ON CONFLICT (subject, kind, key) DO NOTHING;
