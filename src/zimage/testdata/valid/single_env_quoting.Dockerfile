FROM busybox
ENV GREETING="hello world" QUOTED="say \"hi\"" WINPATH="C:\\Program Files\\app" HOME_REF=${HOME}/cache LITERAL_DOLLAR="cost \$5" SINGLE="it's" UNICODE=grüße SEMI="a;b|c&d"
