; diskio: a disk driver in miniature: ATA PIO on the primary channel, polled.
;
; The guest writes a pattern to sectors 0-63 of its disk with one WRITE SECTORS command,
; flushes the drive's cache, reads the 64 sectors back with one READ SECTORS command and checks
; every word. The driver polls, the way boot loaders and xv6's idewait() do: after a command,
; wait while the status says BSY, then expect DRQ (a sector may move through the data port) or
; ERR (the error register says why). Setting nIEN in the device control register keeps the
; drive's IRQ14 quiet, since nobody is listening for it.
;
; Then it prints how long that took in virtual time, read from the time-stamp counter (hvlab's
; virtual TSC counts one cycle per virtual nanosecond). With no rate limit the whole job fits
; in one time slice, and virtual time moves only between slices, so it may take "under 1 us";
; with a disk rate limit (token buckets on virtual time) the drive stays busy while it waits for
; tokens, and the time shows the limit.
;
; Expected output:
;   diskio: 64 sectors written and verified
;   diskio: 64 KiB moved in N us of virtual time (X KiB/s), or "in under 1 us of virtual time"
; Exit: debug exit 0 (status 1) on success; 1 with no disk, 2 when the drive reports an error,
; 3 when a sector reads back wrong.

bits 32
org 0x100000

%include "abi.inc"

ATA_DATA        equ 0x1F0
ATA_COUNT       equ 0x1F2
ATA_LBA_LOW     equ 0x1F3
ATA_LBA_MID     equ 0x1F4
ATA_LBA_HIGH    equ 0x1F5
ATA_DEVICE      equ 0x1F6
ATA_STATUS      equ 0x1F7   ; read: status; write: command
ATA_CONTROL     equ 0x3F6   ; write: device control; read: alternate status
STATUS_BSY      equ 0x80
STATUS_DRQ      equ 0x08
STATUS_ERR      equ 0x01
CMD_READ        equ 0x20
CMD_WRITE       equ 0x30
CMD_FLUSH       equ 0xE7
SECTORS         equ 64

start:
        cld                     ; string instructions count upwards
        mov dx, ATA_CONTROL
        mov al, 0x02            ; nIEN: no interrupts, we poll
        out dx, al
        mov dx, ATA_STATUS
        in al, dx
        cmp al, 0xFF            ; a floating bus: no drive on this channel
        je no_disk

        rdtsc
        mov [started], eax
        mov [started + 4], edx

        mov al, CMD_WRITE
        call command
        xor ebp, ebp            ; EBP = the sector being moved
.write: call wait_for_data
        call make_pattern
        mov esi, pattern
        mov ecx, 256
        mov dx, ATA_DATA
        rep outsw               ; 256 words: one sector
        inc ebp
        cmp ebp, SECTORS
        jb .write
        call wait_until_done

        mov dx, ATA_STATUS
        mov al, CMD_FLUSH
        out dx, al
        call wait_until_done

        mov al, CMD_READ
        call command
        xor ebp, ebp
.read:  call wait_for_data
        mov edi, sector
        mov ecx, 256
        mov dx, ATA_DATA
        rep insw
        call make_pattern
        mov esi, pattern
        mov edi, sector
        mov ecx, 128
        repe cmpsd
        jne mismatch
        inc ebp
        cmp ebp, SECTORS
        jb .read
        call wait_until_done

        rdtsc
        sub eax, [started]
        sbb edx, [started + 4]
        mov esi, verified
        call print
        call print_time
        debug_exit 0

; command: AL = command; sectors 0..SECTORS-1, 28-bit LBA, device 0.
command:
        push eax
        mov dx, ATA_COUNT
        mov al, SECTORS
        out dx, al
        xor al, al
        mov dx, ATA_LBA_LOW
        out dx, al
        mov dx, ATA_LBA_MID
        out dx, al
        mov dx, ATA_LBA_HIGH
        out dx, al
        mov dx, ATA_DEVICE
        mov al, 0xE0            ; bits 7 and 5 set (obsolete, always 1), bit 6 LBA, device 0
        out dx, al
        pop eax
        mov dx, ATA_STATUS
        out dx, al
        ret

; wait_for_data: wait while BSY; then DRQ must be set, or the command failed.
wait_for_data:
        call wait_while_busy
        test al, STATUS_ERR
        jnz drive_error
        test al, STATUS_DRQ
        jz drive_error
        ret

; wait_until_done: wait while BSY; then neither ERR nor DRQ may be left.
wait_until_done:
        call wait_while_busy
        test al, STATUS_ERR | STATUS_DRQ
        jnz drive_error
        ret

wait_while_busy:
        mov dx, ATA_STATUS
.poll:  in al, dx
        test al, STATUS_BSY
        jnz .poll
        ret

; make_pattern: fill `pattern` with what sector EBP holds: dword i = (EBP << 16) | i, plus a tag.
make_pattern:
        pushad
        mov edi, pattern
        xor ecx, ecx
.next:  mov eax, ebp
        shl eax, 16
        or eax, ecx
        xor eax, 0xA5000000
        stosd
        inc ecx
        cmp ecx, 128
        jb .next
        popad
        ret

; print_time: EDX:EAX = elapsed TSC cycles (virtual nanoseconds); print microseconds and KiB/s.
print_time:
        mov ecx, 1000
        cmp edx, ecx
        jae .long               ; over 71 minutes: too long to be interesting
        div ecx                 ; EAX = microseconds
        test eax, eax
        jz .instant
        mov ebx, eax
        mov esi, moved
        call print
        call print_unsigned
        mov esi, us_label
        call print
        mov eax, 64 * 1000000   ; KiB/s = 64 KiB (32 written, 32 read) * 10^6 / microseconds
        xor edx, edx
        div ebx
        call print_unsigned
        mov esi, rate_label
        call print
        ret
.instant:
        mov esi, instant
        call print
        ret
.long:  mov esi, long_time
        call print
        ret

no_disk:
        mov esi, no_disk_message
        call print
        debug_exit 1

drive_error:
        mov esi, error_message
        call print
        debug_exit 2

mismatch:
        mov esi, mismatch_message
        call print
        mov eax, ebp
        call print_unsigned
        mov al, 10
        call putc
        debug_exit 3

%include "serial.inc"

started:          dq 0
verified:         db "diskio: 64 sectors written and verified", 10, 0
moved:            db "diskio: 64 KiB moved in ", 0
us_label:         db " us of virtual time (", 0
rate_label:       db " KiB/s)", 10, 0
instant:          db "diskio: 64 KiB moved in under 1 us of virtual time", 10, 0
long_time:        db "diskio: 64 KiB moved in over an hour of virtual time", 10, 0
no_disk_message:  db "diskio: no disk on the primary ATA channel", 10, 0
error_message:    db "diskio: the drive reported an error", 10, 0
mismatch_message: db "diskio: wrong data read back from sector ", 0

align 4
pattern: times 512 db 0
sector:  times 512 db 0
