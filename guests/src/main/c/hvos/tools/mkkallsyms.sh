#!/bin/sh
# mkkallsyms.sh KERNEL.elf OUT: the kernel's symbol table as a file on hvos's disk, one
# "ADDRESS TYPE NAME" a line, as `nm` prints it and as Linux's /proc/kallsyms showed it to
# everyone until kptr_restrict. It is there for user/rootkit.c, the teaching specimen: a kernel
# that tells every user where its tables are makes an attacker's work easy.
set -eu
nm "$1" | awk '$2 ~ /^[TtDdBbRr]$/ && $3 !~ /^profile_/' | sort > "$2"
