# Thin wrappers around course.py (which needs only python3 and pip).
PY ?= python3

.PHONY: course test test-heavy browser lab build generate demo bench bundle figures clean
course:     ; $(PY) course.py course
test:       ; $(PY) course.py test
test-heavy: ; $(PY) course.py test --heavy
browser:    ; $(PY) course.py test -m browser
lab:        ; $(PY) course.py lab
build:      ; $(PY) course.py build
generate:   ; $(PY) course.py generate
demo:       ; $(PY) course.py demo
bench:      ; $(PY) course.py bench
bundle:     ; $(PY) course.py bundle
figures:    ; $(PY) course.py figures
clean:      ; rm -rf build .pytest_cache
