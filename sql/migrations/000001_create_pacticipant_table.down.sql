DROP TABLE pacticipants;
