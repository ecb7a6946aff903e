/* Unit tests of the guards against hostile neighbours (host/base/file_io.c, file_guard.c, host/device/driver_env.c):
   readers that refuse FIFOs, devices and folders without blocking; files created afresh, never through a planted
   link; private folders; the output folder's lock; PoCL's variables checked before the driver reads them. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "tfbench/device.h"
#include "tfbench/file_io.h"

/* A fresh folder of the test's own (mkdtemp), its path in dir. */
static void scratch(char *dir, size_t size)
{
    snprintf(dir, size, "hostile-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void remove_tree(const char *dir)
{
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Without O_NONBLOCK and the check before reading, the FIFO would block this test forever. */
static void readers_refuse_fifos_devices_and_folders(void **state)
{
    char dir[64], path[128], *data = NULL;
    size_t length = 0;
    tfb_error err = {{0}};
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pipe", dir);
    assert_int_equal(mkfifo(path, 0644), 0);
    assert_int_equal(tfb_read_file(path, 1024, &data, &length, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "it is a FIFO (named pipe), not a regular file"));
    assert_null(data);
    assert_int_equal(tfb_read_file("/dev/zero", 1024, &data, &length, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "/dev/zero: it is a device"));
    assert_int_equal(tfb_read_file(dir, 1024, &data, &length, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "it is a folder"));
    snprintf(path, sizeof path, "%s/plain", dir);
    write_text(path, "12345");
    assert_int_equal(tfb_read_file(path, 4, &data, &length, &err), TFB_ERROR);  /* over the bound */
    assert_non_null(strstr(err.message, "too large (5 bytes, limit 4)"));
    assert_int_equal(tfb_read_file(path, 5, &data, &length, &err), TFB_OK);
    assert_int_equal(length, 5);
    assert_string_equal(data, "12345");
    free(data);
    remove_tree(dir);
}

static void files_are_created_afresh_never_through_a_link(void **state)
{
    char dir[64], victim[128], link[160], log[128], text[16] = "";
    tfb_error err = {{0}};
    scratch(dir, sizeof dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(link, sizeof link, "%s/rank-0.log", dir);
    write_text(victim, "keep me");
    assert_int_equal(symlink("victim", link), 0);
    assert_int_equal(tfb_create_fresh(link, 0644, &err), -1);
    assert_non_null(strstr(err.message, "rank-0.log is a symbolic link: refusing to write through it"));
    FILE *f = fopen(victim, "r");
    assert_non_null(fgets(text, sizeof text, f));
    fclose(f);
    assert_string_equal(text, "keep me");
    /* an existing regular file is replaced by a new one: another name linked to the old file keeps its contents */
    snprintf(log, sizeof log, "%s/old.log", dir);
    write_text(log, "old");
    struct stat before, after;
    assert_int_equal(stat(log, &before), 0);
    int fd = tfb_create_fresh(log, 0644, &err);
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &after), 0);
    assert_int_equal(after.st_size, 0);
    close(fd);
    remove_tree(dir);
}

static void private_folders_are_the_callers_alone(void **state)
{
    char dir[64], path[128];
    tfb_error err = {{0}};
    struct stat st;
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a/b/cache", dir);
    assert_int_equal(tfb_make_private_dir(path, "the cache", &err), TFB_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(chmod(path, 0777), 0);
    assert_int_equal(tfb_check_private_dir(path, "the cache", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "is writable by others (mode 777)"));
    assert_int_equal(chmod(path, 0770), 0);
    assert_int_equal(tfb_check_private_dir(path, "the cache", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "is writable by its group (mode 770)"));
    assert_int_equal(chmod(path, 0755), 0);
    assert_int_equal(tfb_check_private_dir(path, "the cache", &err), TFB_OK);
    /* a private folder inside one anyone may change could be swapped after the check; a sticky one (/tmp) is safe */
    snprintf(path, sizeof path, "%s/a/b", dir);
    assert_int_equal(chmod(path, 0777), 0);
    snprintf(path, sizeof path, "%s/a/b/cache", dir);
    assert_int_equal(tfb_check_private_dir(path, "the cache", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "/a/b, which another user may change (owned by uid"));
    snprintf(path, sizeof path, "%s/a/b", dir);
    assert_int_equal(chmod(path, 01777), 0);
    snprintf(path, sizeof path, "%s/a/b/cache", dir);
    assert_int_equal(tfb_check_private_dir(path, "the cache", &err), TFB_OK);
    if (geteuid() == 0) {  /* a folder another user created first (root can hand it to nobody) */
        assert_int_equal(chown(path, 65534, 65534), 0);
        assert_int_equal(tfb_make_private_dir(path, "the cache", &err), TFB_ERROR);
        assert_non_null(strstr(err.message, "belongs to uid 65534, not to this user (uid 0)"));
    }
    remove_tree(dir);
}

static void a_locked_output_folder_is_refused(void **state)
{
    char dir[64], path[128];
    tfb_error err = {{0}};
    int first = -1, second = -1;
    scratch(dir, sizeof dir);
    assert_int_equal(tfb_lock_dir(dir, &first, &err), TFB_OK);
    /* a second open of the lock file is a second holder, as another process would be */
    assert_int_equal(tfb_lock_dir(dir, &second, &err), TFB_ERROR);
    assert_int_equal(second, -1);
    char expected[96];
    snprintf(expected, sizeof expected, "is in use by another tfbench run (pid %ld)", (long)getpid());
    assert_non_null(strstr(err.message, expected));
    close(first);
    assert_int_equal(tfb_lock_dir(dir, &second, &err), TFB_OK);
    close(second);
    snprintf(path, sizeof path, "%s/" TFB_LOCK_FILE, dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("elsewhere", path), 0);
    assert_int_equal(tfb_lock_dir(dir, &first, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "is a symbolic link"));
    remove_tree(dir);
}

/* Each variable set alone (the others unset), checked by tfb_driver_env_check. */
static int check_with(const char *name, const char *value, tfb_error *err)
{
    setenv(name, value, 1);
    int rc = tfb_driver_env_check(err);
    unsetenv(name);
    return rc;
}

static void pocl_variables_are_checked_before_the_driver(void **state)
{
    tfb_error err = {{0}};
    char dir[64], expected[160];
    const char *keep = getenv("TFB_CACHE_DIR");
    char saved_cache[1024] = "";
    if (keep) snprintf(saved_cache, sizeof saved_cache, "%s", keep);
    scratch(dir, sizeof dir);
    setenv("POCL_CACHE_DIR", dir, 1);  /* private: only the variable under test decides */
    assert_int_equal(check_with("POCL_MAX_PTHREAD_COUNT", "-1", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "POCL_MAX_PTHREAD_COUNT=\"-1\": needs a whole number from 1 to 4096"));
    assert_int_equal(check_with("POCL_MAX_PTHREAD_COUNT", " 4", &err), TFB_ERROR);
    assert_int_equal(check_with("POCL_MAX_PTHREAD_COUNT", "4x", &err), TFB_ERROR);
    assert_int_equal(check_with("POCL_MAX_PTHREAD_COUNT", "4097", &err), TFB_ERROR);
    assert_int_equal(check_with("POCL_MAX_PTHREAD_COUNT", "4", &err), TFB_OK);
    assert_int_equal(check_with("POCL_AFFINITY", "2", &err), TFB_ERROR);
    assert_int_equal(check_with("POCL_AFFINITY", "0", &err), TFB_OK);
    assert_int_equal(check_with("POCL_CACHE_DIR", "/proc/x", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "POCL_CACHE_DIR /proc/x: cannot create it"));
    /* no POCL_CACHE_DIR, XDG_CACHE_HOME or HOME: PoCL would use the shared /tmp/pocl; tfbench names its own */
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");
    char saved_home[1024] = "", saved_xdg[1024] = "";
    if (home) snprintf(saved_home, sizeof saved_home, "%s", home);
    if (xdg) snprintf(saved_xdg, sizeof saved_xdg, "%s", xdg);
    unsetenv("HOME");
    unsetenv("XDG_CACHE_HOME");
    setenv("TFB_CACHE_DIR", dir, 1);
    assert_int_equal(tfb_driver_env_check(&err), TFB_OK);
    snprintf(expected, sizeof expected, "%s/pocl", dir);
    assert_string_equal(getenv("POCL_CACHE_DIR"), expected);
    unsetenv("POCL_CACHE_DIR");
    if (home) setenv("HOME", saved_home, 1);
    if (xdg) setenv("XDG_CACHE_HOME", saved_xdg, 1);
    if (keep) setenv("TFB_CACHE_DIR", saved_cache, 1);
    else unsetenv("TFB_CACHE_DIR");
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readers_refuse_fifos_devices_and_folders),
        cmocka_unit_test(files_are_created_afresh_never_through_a_link),
        cmocka_unit_test(private_folders_are_the_callers_alone),
        cmocka_unit_test(a_locked_output_folder_is_refused),
        cmocka_unit_test(pocl_variables_are_checked_before_the_driver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
