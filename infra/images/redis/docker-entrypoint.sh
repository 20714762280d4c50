#!/bin/sh
# Entry point of the Redis stand-in image, behaving like the official redis image's: arguments go to
# redis-server (options alone, or a .conf file first, mean redis-server with them), data in /data,
# clients from other containers accepted, and the server runs as the redis user, not root.
set -eu

case "${1:-}" in
  -* | *.conf) set -- redis-server "$@" ;;
esac

if [ "${1:-}" = redis-server ]; then
  # The official build turns protected mode off, so other containers may connect without a password;
  # a config file given as the first argument decides for itself.
  case "${2:-}" in
    *.conf) ;;
    *) case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
