-- Back-fills pact_publications.consumer_id from the pacticipant of each publication's consumer version.
UPDATE pact_publications pp
   SET consumer_id = v.pacticipant_id
  FROM versions v
 WHERE v.id = pp.consumer_version_id
   AND pp.consumer_id IS NULL;
