-- Sets webhooks.enabled to true where it is NULL.
UPDATE webhooks SET enabled = true WHERE enabled IS NULL;
