FROM postgres:16
VOLUME ["/var/lib/postgresql/data", "/srv/with space", "${DATA_DIR}"]
