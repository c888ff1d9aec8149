-- wrk script: GET /leads/{id} for a random id among the 10,000 generated rows.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/leads/" .. math.random(1, 10000))
end
