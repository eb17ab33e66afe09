'use strict';
// Answers every request with a line that shows the npm dependency (ms)
// was installed, and who and where the server runs as.
const http = require('http');
const ms = require('ms');

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('PORT must be set to a port number');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  const body = [
    'hello from zlayer node20',
    `ms(90000)=${ms(90000)}`,
    `ms('2 days')=${ms('2 days')}`,
    `uid=${process.getuid()}`,
    `cwd=${process.cwd()}`,
    `NODE_ENV=${process.env.NODE_ENV}`,
  ].join(' ');
  res.writeHead(200, {'Content-Type': 'text/plain'});
  res.end(body + '\n');
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${port}`);
});
