-- Runs once, when the postgres volume is created (docker-entrypoint-initdb.d).
-- Rasa's tracker store gets its own database: its table "events" would collide with the
-- catalog's table of the same name.
CREATE DATABASE rasa OWNER gdnn;
