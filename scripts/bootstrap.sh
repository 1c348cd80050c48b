# Shared set-up for scripts/start and scripts/test (sourced, not run).
#   lv_system_packages PKG...   install missing Debian packages, or print the command
#   lv_venv EXTRAS              make .venv and install Level Voice (with EXTRAS) into it
set -euo pipefail

LV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LV_VENV="${LV_VENV:-$LV_ROOT/.venv}"

lv_say() { printf 'levelvoice setup: %s\n' "$*" >&2; }

lv_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    lv_say "Python 3.11 or newer is needed. Install it with: sudo apt-get install python3"
    return 1
}

lv_sudo() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        return 1
    fi
}

# Install the Debian packages that are missing; where we may not, print the command.
lv_system_packages() {
    local missing=() pkg
    command -v dpkg-query >/dev/null 2>&1 || { lv_say "not a Debian/Ubuntu system: install $* yourself"; return 0; }
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    lv_say "installing system packages: ${missing[*]}"
    if ! { lv_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           lv_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
        lv_say "could not install them myself. Please run:"
        lv_say "    sudo apt-get install ${missing[*]}"
        return 1
    fi
}

# Create .venv (once) and install the project with the given extras when anything changed.
lv_venv() {
    local extras="${1:-}" python stamp want
    python="$(lv_python)"
    if [ ! -x "$LV_VENV/bin/python" ]; then
        if ! "$python" -m venv "$LV_VENV" 2>/dev/null; then
            rm -rf "$LV_VENV"
            lv_system_packages python3-venv || return 1
            "$python" -m venv "$LV_VENV"
        fi
    fi
    stamp="$LV_VENV/.levelvoice-installed"
    want="$(sha256sum <"$LV_ROOT/pyproject.toml" | cut -c1-16)[$extras]"
    if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
        lv_say "installing Level Voice${extras:+ with [$extras]} into $LV_VENV (first time takes a minute)"
        local log="$LV_VENV/install.log"
        if ! { "$LV_VENV/bin/python" -m pip install --disable-pip-version-check --upgrade pip &&
               "$LV_VENV/bin/python" -m pip install --disable-pip-version-check -e "$LV_ROOT${extras:+[$extras]}"; } \
               >"$log" 2>&1; then
            grep -v '^WARNING: Location' "$log" | tail -n 15 >&2
            lv_say "installing failed; the full log is in $log"
            return 1
        fi
        echo "$want" >"$stamp"
    fi
}
