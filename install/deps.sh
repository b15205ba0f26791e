#!/usr/bin/env bash
# Installs what jpool needs on Debian/Ubuntu (skips what is already there): a JDK 17, Maven, and the real
# Jupyter clients the kernel is used with and tested against (Debian's Jupyter lives on /usr/bin/python3).
set -euo pipefail
pkgs=(openjdk-17-jdk-headless openjdk-17-source maven procps tmux
      python3-jupyter-client python3-nbclient jupyter-nbconvert jupyter-console jupyter-notebook
      python3-jupyter-kernel-test python3-pytest python3-ipykernel
      python3-jupyter-server python3-jupyterlab-server
      chromium)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# the browser tests drive Chromium with playwright-core from npm (and build JupyterLab 3.6's front end from npm
# packages, served by Debian's jupyter_server + jupyterlab_server); a machine may have Node from elsewhere
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
command -v apt-get >/dev/null || { echo "deps.sh: not a Debian-like system; install: ${missing[*]}" >&2; exit 1; }
sudo_=""; [[ $(id -u) -ne 0 ]] && sudo_=sudo
export DEBIAN_FRONTEND=noninteractive
echo "Installing: ${missing[*]}"
$sudo_ apt-get update -qq
$sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}"
