#!/usr/bin/env bash
# Installs Debian's etcd 3.4 (server and etcdctl) when missing; the compatibility tests use it as the oracle.
set -euo pipefail
if command -v etcd >/dev/null && command -v etcdctl >/dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "etcd is missing: run 'sudo apt-get install -y etcd-server etcd-client'" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq etcd-server etcd-client >/dev/null
# Debian's package starts a system etcd on the default ports; the tests start their own on free ports.
if command -v systemctl >/dev/null; then systemctl stop etcd >/dev/null 2>&1 || true; fi
