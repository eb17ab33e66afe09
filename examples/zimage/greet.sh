#!/bin/sh
cat /etc/motd
echo "and from the app on top of it"
