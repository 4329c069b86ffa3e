/*
 * sh: the shell. Reads a line, splits it into words, and runs the program the first word
 * names with the rest as its arguments, waiting for it to end. A trailing `&` runs it in the
 * background instead: the shell prompts again at once. Built in: `exit`, `help`.
 */
#include "user.h"

#define MAXWORDS 16

static int split(char *line, char **words) {
    int n = 0;
    char *p = line;
    while (*p && n < MAXWORDS) {
        while (*p == ' ' || *p == '\t' || *p == '\n') *p++ = 0;
        if (!*p) break;
        words[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') p++;
    }
    words[n] = 0;
    return n;
}

/* Wait for pid, reporting any background job that ends meanwhile. */
static void wait_for(int pid) {
    int status, done;
    while ((done = wait(&status)) >= 0) {
        if (done == pid) {
            if (status != 0) printf("sh: %d exited with status %d\n", pid, status);
            return;
        }
        printf("[%d] done (status %d)\n", done, status);
    }
}

int main(void) {
    char line[128];
    char *words[MAXWORDS + 1];
    for (;;) {
        printf("$ ");
        int n = read(0, line, sizeof line - 1);
        if (n <= 0) continue;
        line[n] = 0;
        int argc = split(line, words);
        if (argc == 0) continue;
        int background = 0;
        if (strcmp(words[argc - 1], "&") == 0) {
            background = 1;
            words[--argc] = 0;
            if (argc == 0) continue;
        }
        if (strcmp(words[0], "exit") == 0) exit(0);
        if (strcmp(words[0], "help") == 0) {
            printf("run a program: NAME [ARGS] [&]   (ls shows them)   built in: help, exit\n");
            continue;
        }
        int pid = spawn(words[0], words);
        if (pid < 0) {
            printf("sh: %s: %s\n", words[0], strerror(pid));
            continue;
        }
        if (background) printf("[%d] %s\n", pid, words[0]);
        else wait_for(pid);
    }
}
