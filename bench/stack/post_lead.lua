-- wrk script: POST one valid 10-field lead as JSON (path given as the URL).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"first_name":"Grace","last_name":"Hopper","email":"grace.hopper@example.com",' ..
           '"phone":"+1 555 0100","company":"Navy Computing","title":"Rear Admiral",' ..
           '"source":"event","status":"contacted","score":64,"country":"US"}'
