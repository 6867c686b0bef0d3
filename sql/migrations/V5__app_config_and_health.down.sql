DROP TABLE health_check;
DROP TABLE app_config;
