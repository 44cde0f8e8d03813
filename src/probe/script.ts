// The probe: a read-only POSIX sh script (dash, busybox ash, bash) that prints one JSON object
// describing who the shell runs as and what it can write, from inside a running container.
// `uidctl probe --script` prints it; `uidctl diagnose` and `uidctl verify` read its output
// (the shape is ProbeReport in ./report.ts). Kept as one string so the CLI bundle ships it.

/** Version of the JSON the script prints; bumped when a field changes meaning. */
export const PROBE_VERSION = 1;

export const PROBE_SCRIPT = `# uidctl probe: reports who this shell runs as and what it can write, as one JSON object.
# POSIX sh (dash, busybox ash, bash). Reads /proc and stats paths; no network.
# Writability is measured by creating and at once removing a uniquely named empty file
# (.uidctl-probe-PID-N, with noclobber so nothing existing is ever touched): that is the
# kernel's own answer, read-only mounts, dropped capabilities and ACLs included. With
# UIDCTL_PROBE_WRITE=test it uses \`test -w\` instead and creates nothing (dash and busybox
# then assume root may write anywhere). UIDCTL_PROBE_SUDO=0 skips \`sudo -n true\`.
# UIDCTL_PROBE_PATHS (one path a line) adds those paths to the report.
# Usage: uidctl probe --script | docker exec -i CONTAINER sh > probe.json
umask_now=$(umask)
set -f
NL='
'
TAB=$(printf '\\t')
CR=$(printf '\\r')
seq_n=0
mode_w=\${UIDCTL_PROBE_WRITE:-create}
[ "$mode_w" = test ] || mode_w=create

# JSON string of $1: escapes backslash, quote and control characters.
js() {
  _s=$1
  _o=
  while :; do
    case $_s in
      *[\\\\\\"[:cntrl:]]*) ;;
      *) break ;;
    esac
    _p=\${_s%%[\\\\\\"[:cntrl:]]*}
    _r=\${_s#"$_p"}
    _t=\${_r#?}
    _c=\${_r%"$_t"}
    case $_c in
      \\\\) _o="$_o$_p\\\\\\\\" ;;
      \\") _o="$_o$_p\\\\\\"" ;;
      "$NL") _o="$_o$_p\\\\n" ;;
      "$TAB") _o="$_o$_p\\\\t" ;;
      "$CR") _o="$_o$_p\\\\r" ;;
      *) _o="$_o$_p$(printf '\\\\u%04x' "'$_c")" ;;
    esac
    _s=$_t
  done
  printf '"%s%s"' "$_o" "$_s"
}

# JSON string of $1, or null when it is empty.
jsn() {
  if [ -n "$1" ]; then js "$1"; else printf 'null'; fi
}

jbool() {
  if [ "$1" = 1 ]; then printf 'true'; else printf 'false'; fi
}

# mountinfo writes space, tab, newline and backslash as \\040 \\011 \\012 \\134 (fs/proc_namespace.c).
unoct() {
  _s=$1
  _o=
  while :; do
    case $_s in
      *\\\\[0-7][0-7][0-7]*) ;;
      *) break ;;
    esac
    _p=\${_s%%\\\\[0-7][0-7][0-7]*}
    _r=\${_s#"$_p"\\\\}
    _t=\${_r#???}
    _d=\${_r%"$_t"}
    case $_d in
      040) _c=' ' ;;
      011) _c=$TAB ;;
      012) _c=$NL ;;
      134) _c='\\' ;;
      *) _c="\\\\$_d" ;;
    esac
    _o="$_o$_p$_c"
    _s=$_t
  done
  u_out="$_o$_s"
}

# 1 when this process can create an entry in directory $1.
can_create() {
  [ -d "$1" ] || { echo 0; return; }
  if [ "$mode_w" = test ]; then
    if [ -w "$1" ] && [ -x "$1" ]; then echo 1; else echo 0; fi
    return
  fi
  seq_n=$((seq_n + 1))
  _f="\${1%/}/.uidctl-probe-$$-$seq_n"
  if (set -C; : > "$_f") 2>/dev/null; then
    rm -f "$_f" 2>/dev/null
    echo 1
  else
    echo 0
  fi
}

# 1 when $1 exists and is writable, or is missing and its nearest existing ancestor is.
can_make() {
  _m=$1
  while [ ! -e "$_m" ] && [ -n "$_m" ] && [ "$_m" != / ]; do
    _m=\${_m%/*}
    [ -n "$_m" ] || _m=/
  done
  can_create "$_m"
}

# Octal mode from an ls mode string like drwxr-sr-t.
lsmode() {
  _l=$1
  _v=0
  _i=1
  for _b in 256 128 64 32 16 8 4 2 1; do
    _l=\${_l#?}
    _c=\${_l%"\${_l#?}"}
    case $_c in
      r|w|x|s|t) _v=$((_v + _b)) ;;
    esac
    case $_i:$_c in
      3:s|3:S) _v=$((_v + 2048)) ;;
      6:s|6:S) _v=$((_v + 1024)) ;;
      9:t|9:T) _v=$((_v + 512)) ;;
    esac
    _i=$((_i + 1))
  done
  printf '%04o' "$_v"
}

# Sets st_uid st_gid st_mode (4 octal digits) st_kind for $1; empty when it cannot be read.
stat_of() {
  st_uid=
  st_gid=
  st_mode=
  st_kind=
  [ -e "$1" ] || return
  _x=$(stat -c '%u %g %a %F' "$1" 2>/dev/null)
  if [ -n "$_x" ]; then
    set -- $_x
    st_uid=$1
    st_gid=$2
    st_mode=$(printf '%04o' "$((0$3))")
    shift 3
    st_kind=$*
  else
    _x=$(ls -ldn "$1" 2>/dev/null)
    [ -n "$_x" ] || return
    set -- $_x
    st_uid=$3
    st_gid=$4
    st_mode=$(lsmode "$1")
    case $1 in
      d*) st_kind=directory ;;
      -*) st_kind='regular file' ;;
      c*) st_kind='character special file' ;;
      l*) st_kind='symbolic link' ;;
      *) st_kind=other ;;
    esac
  fi
  case $st_kind in
    directory) st_kind=dir ;;
    regular*) st_kind=file ;;
    character*) st_kind=char ;;
    symbolic*) st_kind=symlink ;;
    *) st_kind=other ;;
  esac
}

jstat() {
  stat_of "$1"
  if [ -n "$st_uid" ]; then
    printf '"uid":%s,"gid":%s,"mode":"%s","kind":"%s"' "$st_uid" "$st_gid" "$st_mode" "$st_kind"
  else
    printf '"uid":null,"gid":null,"mode":null,"kind":null'
  fi
}

# Name of the entry whose third field is $2 in the colon file $1 (getent first, for NSS).
name_of() {
  _n=
  if command -v getent >/dev/null 2>&1; then
    _n=$(getent "$3" "$2" 2>/dev/null)
    _n=\${_n%%:*}
  elif [ -r "$1" ]; then
    while IFS=: read -r _a _b _c _rest; do
      if [ "$_c" = "$2" ]; then
        _n=$_a
        break
      fi
    done < "$1"
  fi
  printf '%s' "$_n"
}

# ------------------------------------------------------------------ identity (kernel's view)
p_uid=
p_gid=
p_groups=
cap_eff=
while IFS= read -r line; do
  case $line in
    Uid:*) set -- \${line#Uid:}; p_uid=$2 ;;
    Gid:*) set -- \${line#Gid:}; p_gid=$2 ;;
    Groups:*) p_groups=\${line#Groups:} ;;
    CapEff:*) set -- \${line#CapEff:}; cap_eff=$1 ;;
  esac
done < /proc/self/status
[ -n "$p_uid" ] || p_uid=$(id -u)
[ -n "$p_gid" ] || p_gid=$(id -g)

# Primary group first, then the supplementary ones, as id -G prints them.
groups_json=$p_gid
for g in $p_groups; do
  [ "$g" = "$p_gid" ] || groups_json="$groups_json,$g"
done

user_name=$(name_of /etc/passwd "$p_uid" passwd)
group_name=$(name_of /etc/group "$p_gid" group)
has_pw=0
[ -n "$user_name" ] && has_pw=1

home_set=0
[ "\${HOME+x}" = x ] && home_set=1
home=\${HOME:-}
home_exists=0
[ -n "$home" ] && [ -d "$home" ] && home_exists=1
home_w=0
[ -n "$home" ] && home_w=$(can_create "$home")

cwd=$(pwd)
cwd_w=$(can_create "$cwd")

# ------------------------------------------------------------------ capabilities
# Bit numbers of include/uapi/linux/capability.h.
CAPS='CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE
SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME
SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE'
caps_json=
if [ -n "$cap_eff" ]; then
  # Two 32-bit halves keep the arithmetic inside any shell's integer range.
  c_hi=$((0x\${cap_eff%????????}))
  c_lo=$((0x\${cap_eff#????????}))
  bit=0
  for c in $CAPS; do
    if [ "$bit" -lt 32 ]; then v=$(((c_lo >> bit) & 1)); else v=$(((c_hi >> (bit - 32)) & 1)); fi
    if [ "$v" = 1 ]; then
      [ -z "$caps_json" ] || caps_json="$caps_json,"
      caps_json="$caps_json\\"CAP_$c\\""
    fi
    bit=$((bit + 1))
  done
fi

# ------------------------------------------------------------------ user namespace
idmap() {
  _j=
  if [ -r "$1" ]; then
    while read -r _a _b _c; do
      [ -n "$_c" ] || continue
      [ -z "$_j" ] || _j="$_j,"
      _j="$_j[$_a,$_b,$_c]"
    done < "$1"
    printf '[%s]' "$_j"
  else
    printf 'null'
  fi
}

# ------------------------------------------------------------------ output
printf '{"probe":"uidctl","probeVersion":1,"writeTest":"%s",' "$mode_w"
printf '"uid":%s,"gid":%s,"groups":[%s],' "$p_uid" "$p_gid" "$groups_json"
printf '"user":'; jsn "$user_name"
printf ',"group":'; jsn "$group_name"
printf ',"hasPasswdEntry":'; jbool "$has_pw"
printf ',"home":{"path":'
if [ "$home_set" = 1 ]; then js "$home"; else printf 'null'; fi
printf ',"set":'; jbool "$home_set"
printf ',"exists":'; jbool "$home_exists"
printf ',"writable":'; jbool "$home_w"
printf '},"cwd":{"path":'; js "$cwd"
printf ',"writable":'; jbool "$cwd_w"
printf '},"umask":"%s","path":' "$umask_now"
jsn "\${PATH:-}"
printf ',"capEff":'; jsn "$cap_eff"
if [ -n "$cap_eff" ]; then printf ',"caps":[%s]' "$caps_json"; else printf ',"caps":null'; fi
printf ',"userns":{"uidMap":%s,"gidMap":%s}' "$(idmap /proc/self/uid_map)" "$(idmap /proc/self/gid_map)"

# Mounts: the pseudo file systems and the kernel's own trees are left out.
printf ',"mounts":['
first=1
if [ -r /proc/self/mountinfo ]; then
  while read -r m_id m_parent m_dev m_root m_point m_opts m_rest; do
    m_rest=" $m_rest"
    set -- \${m_rest#* - }
    m_type=$1
    m_src=$2
    m_super=$3
    case $m_type in
      proc|sysfs|cgroup|cgroup2|devpts|mqueue|securityfs|debugfs|tracefs|bpf|pstore) continue ;;
      hugetlbfs|fusectl|configfs|binfmt_misc|autofs|nsfs|rpc_pipefs|efivarfs) continue ;;
    esac
    case $m_point in
      /proc|/proc/*|/sys|/sys/*) continue ;;
    esac
    unoct "$m_point"
    m_point=$u_out
    unoct "$m_root"
    m_root=$u_out
    unoct "$m_src"
    m_src=$u_out
    m_ro=0
    case ",$m_opts,$m_super," in
      *,ro,*) m_ro=1 ;;
    esac
    [ "$first" = 1 ] || printf ','
    first=0
    printf '{"target":'; js "$m_point"
    printf ',"root":'; js "$m_root"
    printf ',"fstype":'; js "$m_type"
    printf ',"source":'; js "$m_src"
    printf ',"ro":'; jbool "$m_ro"
    printf ','; jstat "$m_point"
    if [ "$st_kind" = dir ]; then
      printf ',"writable":'; jbool "$(can_create "$m_point")"
    else
      printf ',"writable":null'
    fi
    # Read: list a folder (read and search), open a file; not asked of devices and sockets.
    m_r=0
    case $st_kind in
      dir) [ -r "$m_point" ] && [ -x "$m_point" ] && m_r=1; printf ',"readable":'; jbool "$m_r" ;;
      file) [ -r "$m_point" ] && m_r=1; printf ',"readable":'; jbool "$m_r" ;;
      *) printf ',"readable":null' ;;
    esac
    printf '}'
  done < /proc/self/mountinfo
fi
printf ']'

# Python: where a plain pip install and pip install --user write.
py=
for c in python3 python; do
  if command -v "$c" >/dev/null 2>&1; then
    py=$(command -v "$c")
    break
  fi
done
printf ',"python":'
if [ -n "$py" ]; then
  py_out=$("$py" -B -c 'import site, sys, sysconfig
p = sysconfig.get_paths()
print(p["purelib"]); print(p["stdlib"]); print(site.getusersitepackages())
print("%d.%d" % sys.version_info[:2]); print(site.getuserbase())' 2>/dev/null)
  purelib=
  stdlib=
  usersite=
  pyver=
  userbase=
  if [ -n "$py_out" ]; then
    o_ifs=$IFS
    IFS=$NL
    set -- $py_out
    IFS=$o_ifs
    purelib=$1
    stdlib=$2
    usersite=$3
    pyver=$4
    userbase=$5
  fi
  em=0
  [ -n "$stdlib" ] && [ -f "$stdlib/EXTERNALLY-MANAGED" ] && em=1
  pipmod=0
  "$py" -B -c 'import importlib.util as u, sys; sys.exit(u.find_spec("pip") is None)' >/dev/null 2>&1 && pipmod=1
  printf '{"path":'; js "$py"
  printf ',"version":'; jsn "$pyver"
  printf ',"purelib":'; jsn "$purelib"
  printf ',"purelibExists":'; if [ -n "$purelib" ] && [ -d "$purelib" ]; then printf true; else printf false; fi
  printf ',"purelibWritable":'; if [ -n "$purelib" ]; then jbool "$(can_make "$purelib")"; else printf false; fi
  printf ',"userSite":'; jsn "$usersite"
  printf ',"userSiteWritable":'; if [ -n "$usersite" ]; then jbool "$(can_make "$usersite")"; else printf false; fi
  printf ',"userBase":'; jsn "$userbase"
  printf ',"externallyManaged":'; jbool "$em"
  printf ',"pipModule":'; jbool "$pipmod"
  printf '}'
else
  printf 'null'
fi

pip=$(command -v pip3 2>/dev/null || command -v pip 2>/dev/null)
printf ',"pip":'; jsn "$pip"
# The variables that change what pip install does (PEP 668 override, venv, user site).
printf ',"pipEnv":{"PIP_BREAK_SYSTEM_PACKAGES":'; jsn "\${PIP_BREAK_SYSTEM_PACKAGES:-}"
printf ',"VIRTUAL_ENV":'; jsn "\${VIRTUAL_ENV:-}"
printf ',"PYTHONNOUSERSITE":'; jsn "\${PYTHONNOUSERSITE:-}"
printf '}'

# sudo: present, and usable without a password (never prompts: -n).
sudo_p=$(command -v sudo 2>/dev/null)
printf ',"sudo":{"path":'; jsn "$sudo_p"
if [ -n "$sudo_p" ] && [ "\${UIDCTL_PROBE_SUDO:-1}" != 0 ]; then
  sudo_msg=$(sudo -n true 2>&1 </dev/null)
  sudo_rc=$?
  printf ',"tested":true,"nopasswd":'; if [ "$sudo_rc" = 0 ]; then printf true; else printf false; fi
  printf ',"message":'; jsn "$sudo_msg"
else
  printf ',"tested":false,"nopasswd":null,"message":null'
fi
printf '}'

# NVIDIA device nodes: opened read-write and closed at once, as CUDA's first call does.
printf ',"gpu":['
first=1
for d in /dev/nvidia*; do
  [ -e "$d" ] || continue
  [ "$first" = 1 ] || printf ','
  first=0
  d_r=0
  d_w=0
  d_o=0
  [ -r "$d" ] && d_r=1
  [ -w "$d" ] && d_w=1
  if [ -c "$d" ] && (: <> "$d") 2>/dev/null; then d_o=1; fi
  printf '{"path":'; js "$d"
  printf ','; jstat "$d"
  printf ',"readable":'; jbool "$d_r"
  printf ',"writable":'; jbool "$d_w"
  printf ',"openRw":'; jbool "$d_o"
  printf '}'
done
printf ']'

# Paths asked for: a folder is writable when an entry can be created in it, a file when it can
# be opened for appending (nothing is written), a missing path when it could be created.
printf ',"paths":['
first=1
o_ifs=$IFS
IFS=$NL
for x in \${UIDCTL_PROBE_PATHS:-}; do
  IFS=$o_ifs
  [ "$first" = 1 ] || printf ','
  first=0
  x_e=0
  x_r=0
  [ -e "$x" ] && x_e=1
  if [ -d "$x" ]; then
    [ -r "$x" ] && [ -x "$x" ] && x_r=1
    x_w=$(can_create "$x")
  elif [ -e "$x" ]; then
    [ -r "$x" ] && x_r=1
    x_w=0
    if [ "$mode_w" = test ]; then
      [ -w "$x" ] && x_w=1
    elif [ -f "$x" ] && (: >> "$x") 2>/dev/null; then
      x_w=1
    fi
  else
    x_w=$(can_make "$x")
  fi
  printf '{"path":'; js "$x"
  printf ',"exists":'; jbool "$x_e"
  printf ','; jstat "$x"
  printf ',"readable":'; jbool "$x_r"
  printf ',"writable":'; jbool "$x_w"
  printf '}'
done
IFS=$o_ifs
printf ']}\\n'
`;
