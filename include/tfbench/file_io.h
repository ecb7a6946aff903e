/* Files from outside: reading whole files (kernels, model configs, results and rank files all come through here, so
 * the size limit and the refusal of FIFOs, devices and folders are the same for every reader), and the guards for
 * writing into folders other users may write: files created without following links, private folders, the lock
 * of an output folder. */
#ifndef TFBENCH_FILE_IO_H
#define TFBENCH_FILE_IO_H

#include <stddef.h>
#include <sys/stat.h>
#include "tfbench/error.h"

/* Reads a whole file (NUL-terminated); refuses files over max_bytes and anything but a regular file, at once. */
int tfb_read_file(const char *path, size_t max_bytes, char **data, size_t *length, tfb_error *err);
/* Opens a regular file for reading (never blocks: a FIFO, a device or a folder is refused); its stat in *st.
 * Returns the descriptor (close-on-exec), or -1 with the reason. */
int tfb_open_regular(const char *path, struct stat *st, tfb_error *err);

/* ---- host/base/file_guard.c ---- */
/* Creates path afresh for writing: an existing regular file is removed first; a symbolic link (or anything else)
 * at the path is an error naming it, never followed. Returns the descriptor (close-on-exec), or -1. */
int tfb_create_fresh(const char *path, mode_t mode, tfb_error *err);
/* A folder fit to keep files whose contents this process trusts (caches of compiled code, tuning): owned by this
 * user and not writable by group or others. `what` names it in the message ("POCL_CACHE_DIR"). */
int tfb_check_private_dir(const char *path, const char *what, tfb_error *err);
/* mkdir -p: the parents 0755, the leaf leaf_mode; an existing folder is fine. */
int tfb_make_dirs(const char *path, unsigned leaf_mode, const char *what, tfb_error *err);
/* The same as tfb_check_private_dir, creating the folder (mode 0700) and its missing parents first. */
int tfb_make_private_dir(const char *path, const char *what, tfb_error *err);
/* "<home>/.cache/<sub>" of this user's home from the password database (for when HOME is unset), when that home
 * is a private folder (tfb_check_private_dir); TFB_ERROR otherwise. */
int tfb_user_cache_dir(const char *sub, char *out, size_t size);
/* The name of an output folder's lock file. */
#define TFB_LOCK_FILE ".tfbench.lock"
/* Takes the output folder's lock (flock on DIR/.tfbench.lock, opened without following a link) for as long as the
 * process lives, or says which run holds it. The descriptor is close-on-exec, so workers do not inherit it. */
int tfb_lock_dir(const char *dir, int *fd, tfb_error *err);

#endif
