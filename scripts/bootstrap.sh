# Shared set-up for scripts/start and scripts/test (sourced, not run).
#   lv_system_packages PKG...   install missing packages (Debian names) with apt, or say what to install
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
    lv_say "Python 3.11 or newer is needed. $(lv_install_hint python3)"
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

# Which kind of system this is: apt, dnf, pacman, zypper, macos, windows, or other.
lv_system() {
    case "$(uname -s 2>/dev/null)" in
        Darwin) echo macos; return ;;
        MINGW* | MSYS* | CYGWIN*) echo windows; return ;;
    esac
    local manager
    for manager in apt-get dnf pacman zypper; do
        if command -v "$manager" >/dev/null 2>&1; then
            echo "${manager%-get}"
            return
        fi
    done
    echo other
}

# A Debian package's name on this system ("" when nothing needs installing here).
lv_package_name() {
    local system="$1" pkg="$2"
    case "$system:$pkg" in
        apt:*) echo "$pkg" ;;
        macos:libportaudio2 | macos:libsndfile1 | macos:python3-venv) ;;  # inside the Python wheels / Python
        windows:libportaudio2 | windows:libsndfile1 | windows:python3-venv) ;;
        macos:pulseaudio-utils) ;;                                        # part of Homebrew's pulseaudio
        macos:python3) echo python@3.12 ;;
        dnf:libportaudio2 | pacman:libportaudio2) echo portaudio ;;
        dnf:libsndfile1 | pacman:libsndfile1) echo libsndfile ;;
        pacman:pulseaudio-utils) echo libpulse ;;
        dnf:python3-venv | pacman:python3-venv | zypper:python3-venv) ;;  # part of their Python
        pacman:python3) echo python ;;
        *) echo "$pkg" ;;
    esac
}

# One line that says how to install these packages (Debian names) on this system.
lv_install_hint() {
    local system names=() pkg name
    system="$(lv_system)"
    for pkg in "$@"; do
        name="$(lv_package_name "$system" "$pkg")"
        [ -n "$name" ] && names+=("$name")
    done
    if [ ${#names[@]} -eq 0 ]; then
        echo "Nothing to install for $* here: on this system it comes inside the Python packages."
        return
    fi
    case "$system" in
        apt) echo "Install it with: sudo apt-get install ${names[*]}" ;;
        dnf) echo "Install it with: sudo dnf install ${names[*]}" ;;
        pacman) echo "Install it with: sudo pacman -S ${names[*]}" ;;
        zypper) echo "Install it with: sudo zypper install ${names[*]}" ;;
        macos) echo "Install it with Homebrew (https://brew.sh): brew install ${names[*]}" ;;
        windows) echo "On Windows, install Level Voice with pipx instead (see README.md)." ;;
        *) echo "Install these with your system's package manager: ${names[*]} (Debian's names; yours may differ)." ;;
    esac
}

# Is this Debian package's part here? For systems without dpkg: a command, or a library ldconfig knows.
lv_present() {
    case "$1" in
        libportaudio2) lv_has_library libportaudio ;;
        libsndfile1) lv_has_library libsndfile ;;
        pulseaudio-utils) command -v pactl >/dev/null 2>&1 ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

lv_has_library() {
    local known
    known="$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)"
    [[ "$known" == *"$1.so"* ]]
}

# Install the missing packages (Debian names) with apt; on other systems say what to install.
# Returns 1 when something is missing and was not installed.
lv_system_packages() {
    local missing=() pkg system
    system="$(lv_system)"
    if [ "$system" != apt ] || ! command -v dpkg-query >/dev/null 2>&1; then
        for pkg in "$@"; do
            [ -n "$(lv_package_name "$system" "$pkg")" ] && ! lv_present "$pkg" && missing+=("$pkg")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        lv_say "missing: ${missing[*]} (Debian's names). $(lv_install_hint "${missing[@]}")"
        return 1
    fi
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
    if [ "$(lv_system)" = windows ]; then
        lv_say "on Windows, install Level Voice with pipx instead (see \"Install\" in README.md)."
        return 1
    fi
    python="$(lv_python)"
    if [ ! -x "$LV_VENV/bin/python" ]; then
        if ! "$python" -m venv "$LV_VENV" 2>/dev/null; then
            rm -rf "$LV_VENV"
            if [ "$(lv_system)" != apt ]; then
                lv_say "$python could not make a virtual environment; install a full Python 3.11 or newer." \
                    "$(lv_install_hint python3)"
                return 1
            fi
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
