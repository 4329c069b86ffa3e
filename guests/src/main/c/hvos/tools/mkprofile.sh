#!/bin/sh
# mkprofile.sh KERNEL.elf OUT.json: describe the kernel's data structures for introspection.
#
# A VMM reading hvos's memory from outside needs to know where things are and how they are
# laid out, as LibVMI and Volatility profiles say it for Linux and Windows. Everything here
# comes from the kernel's symbol table (nm): addresses of its globals, and the absolute
# profile_* symbols that kernel/profile.c defines to hold sizes and field offsets.
set -eu
kernel=$1
out=$2
nm -t d "$kernel" | awk -v kernel="$(basename "$kernel")" '
    NF == 3 { value[$3] = $1 + 0; kind[$3] = $2 }
    function need(name) {
        if (!(name in value)) { print "mkprofile: " kernel " has no symbol " name > "/dev/stderr"; exit 1 }
        return value[name]
    }
    END {
        printf "{\n"
        printf "  \"os\": \"hvos\",\n"
        printf "  \"kernel\": \"%s\",\n", kernel
        printf "  \"kernel_text\": {\"start\": %d, \"end\": %d},\n", need("_text_start"), need("_etext")
        printf "  \"proc_table\": {\n"
        printf "    \"address\": %d,\n", need("proc_table")
        printf "    \"count\": %d,\n", need("profile_nproc")
        printf "    \"entry_size\": %d,\n", need("profile_proc_size")
        printf "    \"fields\": {\n"
        printf "      \"pid\": {\"offset\": %d, \"type\": \"int32\"},\n", need("profile_proc_pid")
        printf "      \"state\": {\"offset\": %d, \"type\": \"int32\"},\n", need("profile_proc_state")
        printf "      \"name\": {\"offset\": %d, \"type\": \"char\", \"size\": %d},\n", need("profile_proc_name"), need("profile_proc_name_size")
        printf "      \"pgdir\": {\"offset\": %d, \"type\": \"uint32\", \"note\": \"physical address of the page directory (CR3)\"},\n", need("profile_proc_pgdir")
        printf "      \"kstack\": {\"offset\": %d, \"type\": \"uint32\"},\n", need("profile_proc_kstack")
        printf "      \"killed\": {\"offset\": %d, \"type\": \"int32\", \"note\": \"nonzero: the process ends on its way back to user mode\"},\n", need("profile_proc_killed")
        printf "      \"parent\": {\"offset\": %d, \"type\": \"uint32\", \"note\": \"address of the parent entry in proc_table, 0 for none\"}\n", need("profile_proc_parent")
        printf "    },\n"
        printf "    \"states\": {\"%d\": \"unused\", \"%d\": \"embryo\", \"%d\": \"runnable\", \"%d\": \"running\", \"%d\": \"sleeping\", \"%d\": \"zombie\"}\n", \
            need("profile_state_unused"), need("profile_state_embryo"), need("profile_state_runnable"), \
            need("profile_state_running"), need("profile_state_sleeping"), need("profile_state_zombie")
        printf "  },\n"
        printf "  \"syscall_table\": {\"address\": %d, \"count\": %d, \"entry_size\": 4},\n", need("syscall_table"), need("profile_nsyscalls")
        printf "  \"symbols\": {"
    }' > "$out.tmp"
# then every global the kernel defines (code, data), sorted by name so that the file is stable
nm -t d "$kernel" | awk 'NF == 3 && $2 ~ /^[TDBR]$/ && $3 !~ /^profile_/ { print $3, $1 + 0 }' | sort | awk '
    { printf "%s\n    \"%s\": %d", (NR == 1 ? "" : ","), $1, $2 }
    END { printf "\n  }\n}\n" }' >> "$out.tmp"
mv "$out.tmp" "$out"
