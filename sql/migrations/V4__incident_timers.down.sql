DROP TABLE incident_timers;
